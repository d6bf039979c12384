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
