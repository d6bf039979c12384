package io.artifactstore.retention;

import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.events.EventDraft;
import io.artifactstore.events.EventLog;
import io.artifactstore.events.EventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Retention, holds and deletion. The promises: retention is extended, never shortened; nothing
 * expired-but-held, unexpired or permanent is deleted; every change is an event with its actor.
 * Every decision is made inside a write transaction holding the event-log lock, with the time
 * from the injected clock.
 */
public final class RetentionService {

  private static final int MAX_TEXT = 1024;

  private final EventLog log;
  private final Database db;
  private final AppConfig config;

  public RetentionService(EventLog log, AppConfig config) {
    this.log = log;
    this.db = log.database();
    this.config = config;
  }

  long now() {
    return log.clock().millis();
  }

  /** Class, expiry, active holds, and whether the package may be deleted now (and if not, why). */
  public Future<JsonObject> status(String id) {
    return db.pool().withConnection(conn -> loadPackage(conn, id)
        .compose(p -> activeHolds(conn, id).map(holds -> statusJson(p, holds, now()))));
  }

  /**
   * Extends retention to a later date ({@code expires_at}) or a longer class
   * ({@code retention_class}, re-counted from finalization or creation). Anything that would
   * end earlier than today's expiry is refused.
   */
  public Future<JsonObject> extend(String id, JsonObject req) {
    String actor = actor(req);
    String toClass = req.getString("retention_class");
    String toDate = req.getString("expires_at");
    if ((toClass == null) == (toDate == null)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "give exactly one of retention_class or expires_at");
    }
    Long requestedDate = toDate == null ? null : parseTime(toDate, "expires_at");
    String reason = text(req, "reason", false);
    return log.transaction(conn -> loadPackage(conn, id).compose(p -> {
      requireNotGone(p);
      String currentClass = p.getString("retention_class");
      Long current = Database.longOrNull(p, "expires_at");
      Future<Long> target;
      String newClass;
      if (toClass != null) {
        newClass = toClass;
        target = classSeconds(conn, toClass).map(seconds -> seconds == null ? null
            : anchor(p) + seconds * 1000);
      } else {
        newClass = currentClass;
        target = Future.succeededFuture(requestedDate);
      }
      return target.compose(expires -> {
        if (!laterOrEqual(expires, current)) {
          return Future.failedFuture(new ApiException(ErrorCode.RETENTION_SHORTENING_REFUSED,
              "package " + id + " is kept until " + time(current) + "; the request would end "
                  + "retention at " + time(expires) + ". Retention is never shortened"));
        }
        JsonObject payload = new JsonObject().put("id", id).put("retention_class", newClass)
            .put("expires_at", expires).put("previous_retention_class", currentClass)
            .put("previous_expires_at", current).put("reason", reason);
        return log.record(conn, EventDraft.claimed(EventType.RETENTION_EXTENDED, id, actor, req, payload));
      }).compose(e -> loadPackage(conn, id))
          .compose(p2 -> activeHolds(conn, id).map(h -> statusJson(p2, h, now())));
    }));
  }

  /** Places a hold: while any hold is active, nobody can delete the package. */
  public Future<JsonObject> placeHold(String id, JsonObject req) {
    String actor = actor(req);
    String reason = text(req, "reason", true);
    String reference = text(req, "reference", false);
    String holdId = UUID.randomUUID().toString();
    return log.transaction(conn -> loadPackage(conn, id).compose(p -> {
      requireNotGone(p);
      JsonObject payload = new JsonObject().put("hold_id", holdId).put("package_id", id)
          .put("reason", reason).put("reference", reference);
      return log.record(conn, EventDraft.claimed(EventType.HOLD_PLACED, id, actor, req, payload));
    }).compose(e -> hold(conn, id, holdId)));
  }

  /** Releases a hold, with a reason. */
  public Future<JsonObject> releaseHold(String id, String holdId, JsonObject req) {
    String actor = actor(req);
    String reason = text(req, "reason", true);
    return log.transaction(conn -> loadPackage(conn, id)
        .compose(p -> hold(conn, id, holdId))
        .compose(h -> {
          if (h.getString("released_at") != null) {
            return Future.failedFuture(new ApiException(ErrorCode.HOLD_ALREADY_RELEASED,
                "hold " + holdId + " was released at " + h.getString("released_at")));
          }
          JsonObject payload = new JsonObject().put("hold_id", holdId).put("package_id", id)
              .put("reason", reason);
          return log.record(conn, EventDraft.claimed(EventType.HOLD_RELEASED, id, actor, req, payload));
        })
        .compose(e -> hold(conn, id, holdId)));
  }

  /**
   * The dry-run report: packages a sweep would delete now, and expired packages that are kept,
   * each with every reason.
   */
  public Future<JsonObject> eligibleReport(int limit) {
    long now = now();
    return db.pool().withConnection(conn -> db.query(conn, "SELECT " + PACKAGE_COLUMNS
            + " FROM packages WHERE status <> 'deleted' AND expires_at IS NOT NULL "
            + "AND expires_at <= ? ORDER BY expires_at, id LIMIT ?", now, (long) limit)
        .compose(rows -> {
          List<Row> expired = new ArrayList<>();
          rows.forEach(expired::add);
          return collect(conn, expired, 0, new JsonArray(), new JsonArray(), now);
        }));
  }

  private Future<JsonObject> collect(SqlConnection conn, List<Row> rows, int i, JsonArray eligible,
      JsonArray kept, long now) {
    if (i == rows.size()) {
      return Future.succeededFuture(new JsonObject().put("as_of", time(now))
          .put("eligible", eligible).put("kept", kept));
    }
    Row p = rows.get(i);
    return activeHolds(conn, p.getString("id")).compose(holds -> {
      JsonObject s = statusJson(p, holds, now);
      (s.getBoolean("eligible") ? eligible : kept).add(s);
      return collect(conn, rows, i + 1, eligible, kept, now);
    });
  }

  /**
   * Deletes a package that is eligible, leaving a tombstone; otherwise fails with
   * {@code package_not_eligible} listing every reason. Its bytes are reclaimed separately, once
   * no live package references them.
   */
  public Future<JsonObject> delete(String id, JsonObject req) {
    String actor = actor(req);
    String reason = text(req, "reason", false);
    return log.transaction(conn -> loadPackage(conn, id)
        .compose(p -> activeHolds(conn, id).compose(holds -> {
          if ("deleted".equals(p.getString("status"))) {
            return Future.succeededFuture();
          }
          JsonObject s = statusJson(p, holds, now());
          if (!s.getBoolean("eligible")) {
            return Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_ELIGIBLE,
                "package " + id + " is kept: " + describe(s.getJsonArray("reasons"))));
          }
          JsonObject payload = new JsonObject().put("id", id)
              .put("manifest_digest", p.getString("manifest_digest"))
              .put("reason", reason == null ? "retention expired" : reason);
          return log.record(conn, EventDraft.claimed(EventType.PACKAGE_DELETED, id, actor, req, payload));
        }))
        .compose(v -> loadPackage(conn, id))
        .map(RetentionService::tombstone));
  }

  /** Marks packages still being uploaded after {@code retention.abandoned_after} as failed. */
  public Future<JsonArray> failAbandoned() {
    long cutoff = now() - config.retention().abandonedAfter().toMillis();
    return log.transaction(conn -> db.query(conn, "SELECT id FROM packages WHERE status IN "
            + "('created', 'uploading') AND updated_at < ? ORDER BY id", cutoff)
        .compose(rows -> {
          JsonArray ids = new JsonArray();
          Future<?> chain = Future.succeededFuture();
          for (Row r : rows) {
            String id = r.getString("id");
            ids.add(id);
            JsonObject payload = new JsonObject().put("id", id).put("reason",
                "abandoned: no change for " + config.retention().abandonedAfter());
            chain = chain.compose(v -> log.record(conn,
                new EventDraft(EventType.PACKAGE_FAILED, id, "system:sweeper", payload)));
          }
          return chain.map(ids);
        }));
  }

  /** The JSON of a package's retention state; {@code eligible} with every reason it is kept. */
  static JsonObject statusJson(Row p, JsonArray activeHolds, long now) {
    Long expires = Database.longOrNull(p, "expires_at");
    JsonArray reasons = new JsonArray();
    String status = p.getString("status");
    if ("deleted".equals(status)) {
      reasons.add(new JsonObject().put("code", "deleted").put("message", "already deleted"));
    } else {
      if (expires == null) {
        reasons.add(new JsonObject().put("code", "permanent").put("message",
            "retention class " + p.getString("retention_class") + " never expires"));
      } else if (expires > now) {
        reasons.add(new JsonObject().put("code", "not_expired").put("message",
            "retained until " + time(expires)).put("expires_at", time(expires)));
      }
      for (int i = 0; i < activeHolds.size(); i++) {
        JsonObject h = activeHolds.getJsonObject(i);
        reasons.add(new JsonObject().put("code", "hold").put("hold_id", h.getString("hold_id"))
            .put("message", "held: " + h.getString("reason")));
      }
    }
    return new JsonObject()
        .put("package_id", p.getString("id"))
        .put("status", status)
        .put("retention_class", p.getString("retention_class"))
        .put("expires_at", time(expires))
        .put("holds", activeHolds)
        .put("eligible", reasons.isEmpty())
        .put("reasons", reasons);
  }

  static final String PACKAGE_COLUMNS = "id, status, retention_class, expires_at, created_at, "
      + "finalized_at, manifest_digest, deleted_at, deleted_by, delete_reason";

  Future<Row> loadPackage(SqlClient conn, String id) {
    return db.query(conn, "SELECT " + PACKAGE_COLUMNS + " FROM packages WHERE id = ?", id)
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new ApiException(ErrorCode.PACKAGE_NOT_FOUND, "no package " + id))
            : Future.succeededFuture(rows.iterator().next()));
  }

  private Future<JsonArray> activeHolds(SqlClient conn, String id) {
    return db.query(conn, "SELECT " + HOLD_COLUMNS + " FROM holds WHERE package_id = ? "
            + "AND released_at IS NULL ORDER BY placed_seq", id)
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(holdJson(r)));
          return out;
        });
  }

  private Future<JsonObject> hold(SqlClient conn, String id, String holdId) {
    return db.query(conn, "SELECT " + HOLD_COLUMNS + " FROM holds WHERE package_id = ? "
            + "AND hold_id = ?", id, holdId)
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new ApiException(ErrorCode.HOLD_NOT_FOUND,
                "package " + id + " has no hold " + holdId))
            : Future.succeededFuture(holdJson(rows.iterator().next())));
  }

  private static final String HOLD_COLUMNS = "hold_id, package_id, reason, reference, placed_by, "
      + "placed_at, released_by, released_at, release_reason";

  private static JsonObject holdJson(Row r) {
    return new JsonObject()
        .put("hold_id", r.getString("hold_id"))
        .put("package_id", r.getString("package_id"))
        .put("reason", r.getString("reason"))
        .put("reference", r.getString("reference"))
        .put("placed_by", r.getString("placed_by"))
        .put("placed_at", time(Database.longOrNull(r, "placed_at")))
        .put("released_by", r.getString("released_by"))
        .put("released_at", time(Database.longOrNull(r, "released_at")))
        .put("release_reason", r.getString("release_reason"));
  }

  private static JsonObject tombstone(Row p) {
    return new JsonObject()
        .put("id", p.getString("id"))
        .put("status", p.getString("status"))
        .put("manifest_digest", p.getString("manifest_digest"))
        .put("deleted_at", time(Database.longOrNull(p, "deleted_at")))
        .put("deleted_by", p.getString("deleted_by"))
        .put("delete_reason", p.getString("delete_reason"));
  }

  private Future<Long> classSeconds(SqlClient conn, String name) {
    return db.query(conn, "SELECT duration_seconds FROM retention_classes WHERE name = ?", name)
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new ApiException(ErrorCode.UNKNOWN_RETENTION_CLASS,
                "no retention class '" + name + "'"))
            : Future.succeededFuture(Database.longOrNull(rows.iterator().next(), "duration_seconds")));
  }

  /** Retention is counted from finalization, or from creation before it. */
  private static long anchor(Row p) {
    Long finalized = Database.longOrNull(p, "finalized_at");
    return finalized != null ? finalized : p.getLong("created_at");
  }

  /** Whether {@code next} ends no earlier than {@code current}; null is "never". */
  private static boolean laterOrEqual(Long next, Long current) {
    if (next == null) {
      return true;
    }
    return current != null && next >= current;
  }

  private static void requireNotGone(Row p) {
    if ("deleted".equals(p.getString("status"))) {
      throw new ApiException(ErrorCode.PACKAGE_DELETED, "package " + p.getString("id")
          + " was deleted");
    }
  }

  private static String describe(JsonArray reasons) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < reasons.size(); i++) {
      parts.add(reasons.getJsonObject(i).getString("message"));
    }
    return String.join("; ", parts);
  }

  static String time(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis).toString();
  }

  private static long parseTime(String iso, String field) {
    try {
      return Instant.parse(iso).toEpochMilli();
    } catch (RuntimeException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, field
          + " must be an ISO-8601 UTC time such as 2030-01-01T00:00:00Z");
    }
  }

  private static String actor(JsonObject req) {
    String actor = req.getString("actor");
    return actor == null || actor.isBlank() ? "anonymous" : actor;
  }

  private static String text(JsonObject req, String field, boolean required) {
    Object v = req.getValue(field);
    if (v == null) {
      if (required) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, field + " is required");
      }
      return null;
    }
    if (!(v instanceof String s) || s.isBlank() || s.length() > MAX_TEXT
        || s.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, field + " must be a non-empty string of "
          + "at most " + MAX_TEXT + " characters without control characters");
    }
    return s;
  }
}
