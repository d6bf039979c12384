package io.artifactstore.retention;

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
import java.time.Duration;
import java.util.UUID;

/**
 * Space reclamation that is safe while uploads run.
 *
 * <p>A blob's bytes may be removed only when no live package (not deleted, not failed)
 * references it and no upload holds a lease on it. An upload takes a lease ({@link #reserve})
 * as soon as its digests are known, before it commits its bytes, possibly by deduplicating
 * against the stored copy, and keeps it until its file is recorded. Reclamation marks a blob
 * {@code reclaiming} ({@link #start}), then the data plane removes the bytes, then the blob is
 * forgotten ({@link #finish}). Lease and mark are both taken under the event-log lock, so one
 * of them comes first: either the lease keeps the blob out of reclamation, or the upload sees
 * {@code reclaiming} and waits ({@code blob_busy}) until the bytes are gone and the blob is
 * forgotten, then stores its own copy. No upload ends up pointing at missing bytes.
 */
public final class Reclaimer {

  /** How long a lease lasts if its upload never releases it (a crashed server, say). */
  public static final Duration LEASE = Duration.ofHours(1);

  private final EventLog log;
  private final Database db;

  public Reclaimer(EventLog log) {
    this.log = log;
    this.db = log.database();
  }

  /** Leases {@code sha256} for an upload: {@code {lease_id}}, or fails with blob_busy. */
  public Future<JsonObject> reserve(String sha256) {
    String leaseId = UUID.randomUUID().toString();
    long expires = log.clock().millis() + LEASE.toMillis();
    return log.transaction(conn -> db.query(conn, "SELECT state FROM blobs WHERE sha256 = ? "
            + "UNION ALL SELECT 'reclaiming' FROM blob_removals WHERE sha256 = ?", sha256, sha256)
        .compose(rows -> {
          boolean busy = false;
          for (io.vertx.sqlclient.Row r : rows) {
            busy |= "reclaiming".equals(r.getString("state"));
          }
          if (busy) {
            return Future.failedFuture(new ApiException(ErrorCode.BLOB_BUSY,
                "blob sha256:" + sha256 + " is being reclaimed"));
          }
          return db.query(conn, "INSERT INTO blob_leases (lease_id, sha256, expires_at) "
              + "VALUES (?, ?, ?)", leaseId, sha256, expires);
        })
        .map(r -> new JsonObject().put("lease_id", leaseId)));
  }

  /** Ends a lease; a no-op for an unknown or expired one. */
  public Future<Void> release(String leaseId) {
    if (leaseId == null) {
      return Future.succeededFuture();
    }
    return db.query("DELETE FROM blob_leases WHERE lease_id = ?", leaseId).mapEmpty();
  }

  /**
   * Marks up to {@code limit} unreferenced, unleased blobs {@code reclaiming} and returns them
   * with their locations, together with blobs left {@code reclaiming} by an earlier run.
   */
  public Future<JsonArray> start(int limit) {
    long now = log.clock().millis();
    return log.transaction(conn -> db.query(conn, "DELETE FROM blob_leases WHERE expires_at < ?",
            now)
        .compose(r -> db.query(conn, "SELECT b.sha256 FROM blobs b WHERE b.state = 'stored' "
            + "AND NOT EXISTS (SELECT 1 FROM files f JOIN packages p ON p.id = f.package_id "
            + "WHERE f.sha256 = b.sha256 AND p.status NOT IN ('deleted', 'failed')) "
            + "AND NOT EXISTS (SELECT 1 FROM blob_leases l WHERE l.sha256 = b.sha256) "
            + "ORDER BY b.sha256 LIMIT ?", (long) limit))
        .compose(rows -> {
          Future<?> chain = Future.succeededFuture();
          for (Row row : rows) {
            String sha = row.getString("sha256");
            chain = chain.compose(v -> log.record(conn, new EventDraft(
                EventType.BLOB_RECLAIM_STARTED, sha, "system:reclaimer",
                new JsonObject().put("sha256", sha))));
          }
          return chain;
        })
        .compose(v -> db.query(conn, "SELECT b.sha256, b.size, l.backend, l.location FROM blobs b "
            + "LEFT JOIN blob_locations l ON l.sha256 = b.sha256 WHERE b.state = 'reclaiming' "
            + "ORDER BY b.sha256")))
        .map(rows -> {
          JsonArray out = new JsonArray();
          JsonObject current = null;
          for (Row r : rows) {
            if (current == null || !current.getString("sha256").equals(r.getString("sha256"))) {
              current = new JsonObject().put("sha256", r.getString("sha256"))
                  .put("size", r.getLong("size")).put("locations", new JsonArray());
              out.add(current);
            }
            if (r.getString("backend") != null) {
              current.getJsonArray("locations").add(new JsonObject()
                  .put("backend", r.getString("backend")).put("location", r.getString("location")));
            }
          }
          return out;
        });
  }

  /** Forgets a blob whose bytes the data plane has removed. */
  public Future<Void> finish(String sha256) {
    return log.transaction(conn -> log.record(conn, new EventDraft(EventType.BLOB_RECLAIMED,
        sha256, "system:reclaimer", new JsonObject().put("sha256", sha256)))).mapEmpty();
  }
}
