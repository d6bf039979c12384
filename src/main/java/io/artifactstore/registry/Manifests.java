package io.artifactstore.registry;

import io.artifactstore.events.CanonicalJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds the manifest of a package being finalized: canonical JSON whose SHA-256 is the
 * package's stable identity ({@code manifest_digest}). Files are listed in path order.
 */
final class Manifests {

  private Manifests() {}

  static String build(JsonObject pkg, Iterable<Row> fileRows, long finalizedAt) {
    List<JsonObject> files = new ArrayList<>();
    long total = 0;
    for (Row r : fileRows) {
      files.add(new JsonObject()
          .put("path", r.getString("path"))
          .put("size", r.getLong("size"))
          .put("media_type", r.getString("media_type"))
          .put("sha256", r.getString("sha256"))
          .put("blake3", r.getString("blake3")));
      total += r.getLong("size");
    }
    files.sort(Comparator.comparing(f -> f.getString("path")));
    JsonObject manifest = new JsonObject()
        .put("schema", RegistryService.MANIFEST_SCHEMA)
        .put("package_id", pkg.getString("id"))
        .put("producer", pkg.getString("producer"))
        .put("subject", pkg.getString("subject"))
        .put("retention_class", pkg.getString("retention_class"))
        .put("metadata", pkg.getJsonObject("metadata"))
        .put("created_at", pkg.getString("created_at"))
        .put("finalized_at", PackageViews.time(finalizedAt))
        .put("file_count", files.size())
        .put("total_bytes", total)
        .put("files", new JsonArray(new ArrayList<>(files)));
    return CanonicalJson.encode(manifest);
  }
}
