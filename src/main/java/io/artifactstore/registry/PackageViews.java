package io.artifactstore.registry;

import io.artifactstore.db.Database;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/** Rows of the package and file views rendered as API JSON (snake_case, ISO-8601 UTC times). */
final class PackageViews {

  static final String PACKAGE_COLUMNS = "id, producer, subject, retention_class, metadata, status, "
      + "created_at, updated_at, finalized_at, expires_at, file_count, total_bytes, "
      + "manifest_digest, created_by";
  static final String FILE_COLUMNS =
      "path, size, sha256, blake3, media_type, added_at";

  private PackageViews() {}

  static JsonObject packageJson(Row row) {
    return new JsonObject()
        .put("id", row.getString("id"))
        .put("status", row.getString("status"))
        .put("producer", row.getString("producer"))
        .put("subject", row.getString("subject"))
        .put("retention_class", row.getString("retention_class"))
        .put("metadata", new JsonObject(row.getString("metadata")))
        .put("created_at", time(Database.longOrNull(row, "created_at")))
        .put("updated_at", time(Database.longOrNull(row, "updated_at")))
        .put("finalized_at", time(Database.longOrNull(row, "finalized_at")))
        .put("expires_at", time(Database.longOrNull(row, "expires_at")))
        .put("file_count", row.getLong("file_count"))
        .put("total_bytes", row.getLong("total_bytes"))
        .put("manifest_digest", row.getString("manifest_digest"))
        .put("created_by", row.getString("created_by"));
  }

  static JsonObject fileJson(Row row) {
    return new JsonObject()
        .put("path", row.getString("path"))
        .put("size", row.getLong("size"))
        .put("media_type", row.getString("media_type"))
        .put("sha256", row.getString("sha256"))
        .put("blake3", row.getString("blake3"))
        .put("added_at", time(Database.longOrNull(row, "added_at")));
  }

  static JsonArray files(Iterable<Row> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(r -> out.add(fileJson(r)));
    return out;
  }

  static String time(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis).toString();
  }
}
