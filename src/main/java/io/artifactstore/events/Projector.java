package io.artifactstore.events;

import io.artifactstore.db.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

/**
 * Applies events to the views (retention_classes, packages, files, blobs, blob_locations). The
 * only writer of the views: live appends and {@link ViewRebuilder} both go through it, which is
 * what makes a rebuild reproduce the views exactly. Every value written comes from the event.
 */
final class Projector {

  /** The view tables, in an order that is safe to empty. */
  static final String[] VIEWS = {"attestation_signatures", "attestation_types",
      "attestation_subject_digests", "attestation_subjects", "attestations", "holds", "files",
      "blob_locations", "blobs", "packages", "retention_classes", "blob_removals", "api_tokens"};

  private final Database db;

  Projector(Database db) {
    this.db = db;
  }

  Future<Void> apply(SqlConnection conn, Event e) {
    JsonObject p = e.payloadJson();
    return switch (e.type()) {
      case RETENTION_CLASS_DEFINED -> db.query(conn,
          "INSERT INTO retention_classes (name, duration_seconds, defined_seq) VALUES (?, ?, ?) "
              + "ON CONFLICT (name) DO UPDATE SET duration_seconds = excluded.duration_seconds, "
              + "defined_seq = excluded.defined_seq",
          p.getString("name"), p.getLong("duration_seconds"), e.seq()).mapEmpty();
      case PACKAGE_CREATED -> db.query(conn,
          "INSERT INTO packages (id, producer, subject, retention_class, metadata, status, "
              + "created_at, updated_at, finalized_at, expires_at, file_count, total_bytes, "
              + "manifest_digest, manifest, created_by, last_seq) "
              + "VALUES (?, ?, ?, ?, ?, 'created', ?, ?, NULL, ?, 0, 0, NULL, NULL, ?, ?)",
          p.getString("id"), p.getString("producer"), p.getString("subject"),
          p.getString("retention_class"), CanonicalJson.encode(p.getJsonObject("metadata")),
          p.getLong("created_at"), p.getLong("created_at"), p.getLong("expires_at"), e.actor(),
          e.seq()).mapEmpty();
      case BLOB_STORED -> db.query(conn,
              "INSERT INTO blobs (sha256, blake3, size, head_sha256, created_at, created_seq, "
                  + "state) VALUES (?, ?, ?, ?, ?, ?, 'stored') ON CONFLICT (sha256) DO UPDATE "
                  // Content recorded as missing is stored again: it heals.
                  + "SET state = 'stored', head_sha256 = COALESCE(blobs.head_sha256, "
                  + "excluded.head_sha256) WHERE blobs.state = 'missing'",
              p.getString("sha256"), p.getString("blake3"), p.getLong("size"),
              p.getString("head_sha256"), e.createdAt(), e.seq())
          .compose(r -> db.query(conn,
              "INSERT INTO blob_locations (sha256, backend, location, stored_at, stored_seq) "
                  + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256, backend) DO UPDATE SET "
                  + "location = excluded.location, stored_at = excluded.stored_at, "
                  + "stored_seq = excluded.stored_seq",
              p.getString("sha256"), p.getString("backend"), p.getString("location"),
              e.createdAt(), e.seq()))
          .mapEmpty();
      case FILE_ADDED -> fileAdded(conn, e, p);
      case PACKAGE_FINALIZED -> db.query(conn,
          "UPDATE packages SET status = 'finalized', finalized_at = ?, expires_at = ?, "
              + "manifest = ?, manifest_digest = ?, manifest_envelope = ?, updated_at = ?, "
              + "last_seq = ? WHERE id = ?",
          p.getLong("finalized_at"), p.getLong("expires_at"), p.getString("manifest"),
          p.getString("manifest_digest"), p.getString("manifest_envelope"),
          p.getLong("finalized_at"), e.seq(), p.getString("id"))
          .mapEmpty();
      case PACKAGE_FAILED -> db.query(conn,
          "UPDATE packages SET status = 'failed', updated_at = ?, last_seq = ? WHERE id = ?",
          e.createdAt(), e.seq(), p.getString("id")).mapEmpty();
      case RETENTION_EXTENDED -> db.query(conn,
          "UPDATE packages SET retention_class = ?, expires_at = ?, updated_at = ?, last_seq = ? "
              + "WHERE id = ?",
          p.getString("retention_class"), p.getLong("expires_at"), e.createdAt(), e.seq(),
          p.getString("id")).mapEmpty();
      case HOLD_PLACED -> db.query(conn,
          "INSERT INTO holds (hold_id, package_id, reason, reference, placed_by, placed_at, "
              + "placed_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
          p.getString("hold_id"), p.getString("package_id"), p.getString("reason"),
          p.getString("reference"), e.actor(), e.createdAt(), e.seq()).mapEmpty();
      case HOLD_RELEASED -> db.query(conn,
          "UPDATE holds SET released_by = ?, released_at = ?, release_reason = ?, "
              + "released_seq = ? WHERE hold_id = ?",
          e.actor(), e.createdAt(), p.getString("reason"), e.seq(), p.getString("hold_id"))
          .mapEmpty();
      case PACKAGE_DELETED -> db.query(conn,
          "UPDATE packages SET status = 'deleted', deleted_at = ?, deleted_by = ?, "
              + "delete_reason = ?, updated_at = ?, last_seq = ? WHERE id = ?",
          e.createdAt(), e.actor(), p.getString("reason"), e.createdAt(), e.seq(),
          p.getString("id")).mapEmpty();
      case BLOB_RECLAIM_STARTED -> db.query(conn,
          "UPDATE blobs SET state = 'reclaiming' WHERE sha256 = ?", p.getString("sha256"))
          .mapEmpty();
      case BLOB_RECLAIMED -> db.query(conn, "DELETE FROM blob_locations WHERE sha256 = ?",
              p.getString("sha256"))
          .compose(r -> db.query(conn, "DELETE FROM blobs WHERE sha256 = ?", p.getString("sha256")))
          .mapEmpty();
      case BLOB_ORPHAN_REMOVAL_STARTED -> db.query(conn,
              "INSERT INTO blob_removals (sha256, backend, location, started_at, started_seq) "
                  + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256, backend) DO NOTHING",
              p.getString("sha256"), p.getString("backend"), p.getString("location"),
              e.createdAt(), e.seq())
          .mapEmpty();
      case BLOB_ORPHAN_REMOVED -> db.query(conn,
              "DELETE FROM blob_removals WHERE sha256 = ? AND backend = ?",
              p.getString("sha256"), p.getString("backend"))
          .mapEmpty();
      case BLOB_MISSING -> db.query(conn,
              "DELETE FROM blob_locations WHERE sha256 = ? AND backend = ?",
              p.getString("sha256"), p.getString("backend"))
          .compose(r -> db.query(conn, "UPDATE blobs SET state = 'missing' WHERE sha256 = ? "
              + "AND NOT EXISTS (SELECT 1 FROM blob_locations l WHERE l.sha256 = blobs.sha256)",
              p.getString("sha256")))
          .mapEmpty();
      case TOKEN_CREATED -> db.query(conn,
          "INSERT INTO api_tokens (id, name, roles, producer_scope, secret_sha256, created_by, "
              + "created_at, created_seq, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          p.getString("id"), p.getString("name"), String.join(",", p.getJsonArray("roles")
              .stream().map(String::valueOf).toList()),
          p.getJsonArray("producer_scope") == null ? null
              : p.getJsonArray("producer_scope").encode(),
          p.getString("secret_sha256"), e.actor(), e.createdAt(), e.seq(),
          p.getLong("expires_at")).mapEmpty();
      case TOKEN_REVOKED -> db.query(conn,
          "UPDATE api_tokens SET revoked_by = ?, revoked_at = ?, revoke_reason = ?, "
              + "revoked_seq = ? WHERE id = ? AND revoked_at IS NULL",
          e.actor(), e.createdAt(), p.getString("reason"), e.seq(), p.getString("id"))
          .mapEmpty();
      case ATTESTATION_RECORDED -> AttestationViews.apply(db, conn, e, p);
    };
  }

  private Future<Void> fileAdded(SqlConnection conn, Event e, JsonObject p) {
    String pkg = p.getString("package_id");
    String path = p.getString("path");
    long size = p.getLong("size");
    return db.query(conn, "SELECT size FROM files WHERE package_id = ? AND path = ?", pkg, path)
        .compose(rows -> {
          long replacedSize = 0;
          long replacedCount = 0;
          Future<?> removed = Future.succeededFuture();
          if (rows.size() > 0) {
            replacedSize = rows.iterator().next().getLong("size");
            replacedCount = 1;
            removed = db.query(conn, "DELETE FROM files WHERE package_id = ? AND path = ?",
                pkg, path);
          }
          long countDelta = 1 - replacedCount;
          long bytesDelta = size - replacedSize;
          return removed
              .compose(r -> db.query(conn,
                  "INSERT INTO files (package_id, path, size, sha256, blake3, media_type, "
                      + "added_at, added_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  pkg, path, size, p.getString("sha256"), p.getString("blake3"),
                  p.getString("media_type"), e.createdAt(), e.seq()))
              .compose(r -> db.query(conn,
                  "UPDATE packages SET status = 'uploading', file_count = file_count + ?, "
                      + "total_bytes = total_bytes + ?, updated_at = ?, last_seq = ? WHERE id = ?",
                  countDelta, bytesDelta, e.createdAt(), e.seq(), pkg))
              .mapEmpty();
        });
  }
}
