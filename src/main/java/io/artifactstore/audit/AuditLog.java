package io.artifactstore.audit;

import io.artifactstore.db.Database;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.events.Event;
import io.artifactstore.events.EventLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit view of the event log: feeds of events (all, or one package's) and verification
 * of the digest chain. The log is its own audit trail: every event carries its actor, and an
 * edited, removed, inserted or reordered event breaks the chain from that point on.
 */
public final class AuditLog {

  private static final int PAGE = 1000;

  private final EventLog log;
  private final Database db;

  public AuditLog(EventLog log) {
    this.log = log;
    this.db = log.database();
  }

  /** Events after {@code afterSeq}, oldest first: {@code {items, next_after}}. */
  public Future<JsonObject> feed(long afterSeq, int limit) {
    if (limit < 1 || limit > PAGE) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, "limit must be between 1 and " + PAGE);
    }
    return log.read(db.pool(), afterSeq, limit).map(events -> page(events, limit));
  }

  /** One package's history, oldest first. */
  public Future<JsonObject> packageEvents(String id, long afterSeq, int limit) {
    if (limit < 1 || limit > PAGE) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, "limit must be between 1 and " + PAGE);
    }
    return db.query("SELECT 1 FROM packages WHERE id = ?", id)
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_FOUND, "no package " + id))
            : log.readSubject(db.pool(), "package", id, afterSeq, limit))
        .map(events -> page(events, limit));
  }

  private static JsonObject page(List<Event> events, int limit) {
    JsonArray items = new JsonArray();
    events.forEach(e -> items.add(json(e)));
    Long next = events.size() == limit ? events.get(events.size() - 1).seq() : null;
    return new JsonObject().put("items", items).put("next_after", next);
  }

  static JsonObject json(Event e) {
    HexFormat hex = HexFormat.of();
    return new JsonObject()
        .put("seq", e.seq())
        .put("created_at", Instant.ofEpochMilli(e.createdAt()).toString())
        .put("type", e.type().wireName())
        .put("subject_kind", e.subjectKind())
        .put("subject_id", e.subjectId())
        .put("actor", e.actor())
        .put("payload", e.payloadJson())
        .put("payload_digest", hex.formatHex(e.payloadDigest()))
        .put("chain_digest", hex.formatHex(e.chainDigest()));
  }

  /**
   * Walks the whole chain: {@code {ok: true, events, head_seq, head_digest}}, or
   * {@code {ok: false, events_checked, first_break: {seq, problem}}} at the first event whose
   * payload digest, chain digest or sequence number is wrong.
   */
  public Future<JsonObject> verify() {
    return walk(0, EventLog.genesis(), 0);
  }

  private Future<JsonObject> walk(long afterSeq, byte[] previous, long checked) {
    return log.read(db.pool(), afterSeq, PAGE).compose(events -> {
      byte[] prev = previous;
      long expectedSeq = afterSeq + 1;
      long n = checked;
      for (Event e : events) {
        String problem = null;
        if (e.seq() != expectedSeq) {
          problem = "expected event " + expectedSeq + " but found " + e.seq()
              + " (an event was removed or inserted)";
        } else {
          problem = EventLog.problemWith(e, prev);
        }
        if (problem != null) {
          return Future.succeededFuture(new JsonObject().put("ok", false)
              .put("events_checked", n)
              .put("first_break", new JsonObject().put("seq", e.seq()).put("problem", problem)));
        }
        prev = e.chainDigest();
        expectedSeq++;
        n++;
      }
      if (events.size() == PAGE) {
        return walk(events.get(events.size() - 1).seq(), prev, n);
      }
      return Future.succeededFuture(new JsonObject().put("ok", true).put("events", n)
          .put("head_seq", n == 0 ? null : afterSeq + events.size())
          .put("head_digest", HexFormat.of().formatHex(prev)));
    });
  }
}
