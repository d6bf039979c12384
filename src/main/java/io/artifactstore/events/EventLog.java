package io.artifactstore.events;

import io.artifactstore.db.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only event log, the source of truth. {@link #record} appends an event and applies it
 * to the views in the caller's transaction, so a view never disagrees with the log.
 *
 * <p>Each event's chain digest is SHA-256 over the previous chain digest (32 zero bytes for the
 * first event), the sequence number, time, type, subject, actor and payload digest: changing,
 * removing, inserting or reordering any event breaks every chain digest after it.
 */
public final class EventLog {

  static final byte[] GENESIS = new byte[32];

  private static final String COLUMNS =
      "seq, created_at, event_type, subject_kind, subject_id, actor, payload, payload_digest, "
          + "chain_digest";

  private final Database db;
  private final Clock clock;
  private final Projector projector;

  public EventLog(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.projector = new Projector(db);
  }

  public Database database() {
    return db;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * A write transaction that takes the event-log lock first, so that the checks it makes and
   * the events it appends are one atomic step on both databases (PostgreSQL runs READ
   * COMMITTED, where a check made before the lock can be stale by the time of the append).
   */
  public <T> Future<T> transaction(java.util.function.Function<SqlConnection, Future<T>> work) {
    return db.transaction(conn -> db.lockEventLog(conn).compose(v -> work.apply(conn)));
  }

  /** Appends {@code draft} and updates the views, inside the caller's transaction. */
  public Future<Event> record(SqlConnection conn, EventDraft draft) {
    return db.lockEventLog(conn)
        .compose(v -> db.query(conn,
            "SELECT seq, chain_digest FROM events ORDER BY seq DESC LIMIT 1"))
        .compose(rows -> {
          long seq = 1;
          byte[] previous = GENESIS;
          if (rows.size() > 0) {
            Row head = rows.iterator().next();
            seq = head.getLong("seq") + 1;
            previous = Database.bytes(head, "chain_digest");
          }
          byte[] payload = Cbor.encode(draft.payload());
          byte[] payloadDigest = sha256(payload);
          Event event = new Event(seq, clock.millis(), draft.type(), draft.type().subjectKind(),
              draft.subjectId(), draft.actor(), payload, payloadDigest, null);
          event = withChain(event, previous);
          Event appended = event;
          return db.query(conn, "INSERT INTO events (" + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  appended.seq(), appended.createdAt(), appended.type().wireName(),
                  appended.subjectKind(), appended.subjectId(), appended.actor(),
                  db.binary(appended.payload()), db.binary(appended.payloadDigest()),
                  db.binary(appended.chainDigest()))
              .compose(r -> projector.apply(conn, appended))
              .compose(r -> db.announceAppend(conn))
              .map(appended);
        });
  }

  /** Up to {@code limit} events with a sequence number above {@code afterSeq}, in order. */
  public Future<List<Event>> read(SqlClient client, long afterSeq, int limit) {
    return db.query(client, "SELECT " + COLUMNS + " FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            afterSeq, (long) limit)
        .map(rows -> {
          List<Event> events = new ArrayList<>(rows.size());
          for (Row row : rows) {
            events.add(fromRow(row));
          }
          return events;
        });
  }

  /** Events about one subject after {@code afterSeq}, in order. */
  public Future<List<Event>> readSubject(SqlClient client, String kind, String id, long afterSeq,
      int limit) {
    return db.query(client, "SELECT " + COLUMNS + " FROM events WHERE subject_kind = ? AND "
            + "subject_id = ? AND seq > ? ORDER BY seq LIMIT ?", kind, id, afterSeq, (long) limit)
        .map(rows -> {
          List<Event> events = new ArrayList<>(rows.size());
          for (Row row : rows) {
            events.add(fromRow(row));
          }
          return events;
        });
  }

  /** The chain digest before the first event. */
  public static byte[] genesis() {
    return GENESIS.clone();
  }

  /**
   * What is wrong with {@code e} given the previous chain digest, or null: its payload digest
   * does not match its payload, or its chain digest does not follow from the previous one.
   */
  public static String problemWith(Event e, byte[] previous) {
    if (!java.util.Arrays.equals(sha256(e.payload()), e.payloadDigest())) {
      return "the payload does not match its digest (the payload or its digest was edited)";
    }
    if (!java.util.Arrays.equals(withChain(e, previous).chainDigest(), e.chainDigest())) {
      return "the chain digest does not follow from the previous event (this event or an "
          + "earlier one was edited, removed, inserted or reordered)";
    }
    return null;
  }

  Projector projector() {
    return projector;
  }

  static Event fromRow(Row row) {
    return new Event(row.getLong("seq"), row.getLong("created_at"),
        EventType.fromWireName(row.getString("event_type")), row.getString("subject_kind"),
        row.getString("subject_id"), row.getString("actor"), Database.bytes(row, "payload"),
        Database.bytes(row, "payload_digest"), Database.bytes(row, "chain_digest"));
  }

  /** The event with its chain digest computed from {@code previous}. */
  static Event withChain(Event e, byte[] previous) {
    MessageDigest md = sha256();
    md.update(previous);
    md.update(ByteBuffer.allocate(16).putLong(e.seq()).putLong(e.createdAt()).array());
    for (String s : new String[] {e.type().wireName(), e.subjectKind(), e.subjectId(), e.actor()}) {
      md.update(s.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
    }
    md.update(e.payloadDigest());
    return new Event(e.seq(), e.createdAt(), e.type(), e.subjectKind(), e.subjectId(), e.actor(),
        e.payload(), e.payloadDigest(), md.digest());
  }

  static byte[] sha256(byte[] bytes) {
    return sha256().digest(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
