package io.artifactstore.dataplane;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackends;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The data plane's verticle: owns the storage backends and answers the {@code dataplane.*}
 * addresses (backend health, verify, delete). Streaming ingest and serving run on the event loop
 * that owns each client connection, through {@link Ingest} and {@link BlobSender} over the same
 * backends, so bytes never cross a thread or the event bus.
 */
public final class DataPlaneVerticle extends VerticleBase {

  private final StorageBackends backends;

  public DataPlaneVerticle(StorageBackends backends) {
    this.backends = backends;
  }

  @Override
  public Future<?> start() {
    return Future.all(List.of(
        Bus.serve(vertx, Addresses.DATAPLANE_HEALTH, m -> health()).completion(),
        Bus.serve(vertx, Addresses.DATAPLANE_VERIFY, this::verify).completion(),
        Bus.serve(vertx, Addresses.DATAPLANE_DELETE, this::delete).completion(),
        Bus.serve(vertx, Addresses.DATAPLANE_BACKENDS, m -> Future.succeededFuture(
            new JsonObject().put("backends", new JsonArray(new ArrayList<>(
                backends.all().keySet()))))).completion(),
        Bus.serve(vertx, Addresses.DATAPLANE_INVENTORY, this::inventory).completion(),
        Bus.serve(vertx, Addresses.DATAPLANE_EXISTS, this::exists).completion(),
        Bus.serve(vertx, Addresses.DATAPLANE_TEMPORARIES, this::temporaries).completion(),
        Bus.serve(vertx, Addresses.DATAPLANE_REMOVE_TEMPORARY, m -> backend(m.getString("backend"))
            .removeTemporary(m.getString("id")).map(r -> new JsonObject().put("removed", r)))
            .completion()));
  }

  /**
   * {@code {up, degraded, backends: {id: {up, type, default, ...detail}}}}: degraded when a
   * backend is low on space.
   */
  private Future<JsonObject> health() {
    List<StorageBackend> all = new ArrayList<>(backends.all().values());
    List<Future<JsonObject>> checks = new ArrayList<>();
    for (StorageBackend b : all) {
      checks.add(b.health().map(h -> h.detail().copy().put("up", h.up()).put("type", b.type())
          .put("default", b == backends.defaultBackend())));
    }
    return Future.all(checks).map(done -> {
      JsonObject byId = new JsonObject();
      boolean up = true;
      boolean degraded = false;
      for (int i = 0; i < all.size(); i++) {
        JsonObject h = done.resultAt(i);
        byId.put(all.get(i).id(), h);
        up &= h.getBoolean("up");
        degraded |= h.getBoolean("low_space", false);
      }
      return new JsonObject().put("up", up).put("degraded", degraded).put("backends", byId);
    });
  }

  /** Re-hashes a blob where it is stored: {@code {backend, location, sha256, blake3, size}}. */
  private Future<JsonObject> verify(JsonObject ref) {
    StorageBackend backend = backend(ref.getString("backend"));
    BlobKey key = BlobKey.fromRelativePath(ref.getString("location"));
    return backend.verify(key).map(r -> new JsonObject()
        .put("backend", backend.id())
        .put("location", key.relativePath())
        .put("size", r.size())
        .put("sha256", r.sha256())
        .put("blake3", r.blake3())
        .put("ok", r.matches(ref.getLong("size", r.size()), ref.getString("sha256", r.sha256()),
            ref.getString("blake3"))));
  }

  /**
   * {@code {backend, after?, limit}} → {@code {objects: [{location, sha256, size, modified}],
   * next}}: a page of the backend's objects in location order; {@code next} (the last
   * location) continues it, null at the end. {@code modified} is epoch milliseconds; size -1
   * when the listing cannot tell.
   */
  private Future<JsonObject> inventory(JsonObject req) {
    StorageBackend backend = backend(req.getString("backend"));
    String after = req.getString("after");
    int limit = req.getInteger("limit", 1000);
    return backend.list(after == null ? null : BlobKey.fromRelativePath(after), limit)
        .map(objects -> {
          JsonArray out = new JsonArray();
          objects.forEach(o -> out.add(new JsonObject().put("location", o.key().relativePath())
              .put("sha256", o.key().hex()).put("size", o.size())
              .put("modified", o.modified().toEpochMilli())));
          String next = objects.size() < limit ? null
              : objects.get(objects.size() - 1).key().relativePath();
          return new JsonObject().put("objects", out).put("next", next);
        });
  }

  /** {@code {backend, locations: [..]}} → {@code {missing: [locations not held]}}. */
  private Future<JsonObject> exists(JsonObject req) {
    StorageBackend backend = backend(req.getString("backend"));
    List<String> locations = req.getJsonArray("locations").stream().map(String::valueOf).toList();
    List<Future<java.util.Optional<io.artifactstore.storage.BlobStat>>> heads = locations.stream()
        .map(l -> backend.head(BlobKey.fromRelativePath(l))).toList();
    return Future.all(heads).map(all -> {
      JsonArray missing = new JsonArray();
      for (int i = 0; i < locations.size(); i++) {
        java.util.Optional<io.artifactstore.storage.BlobStat> stat = all.resultAt(i);
        if (stat.isEmpty()) {
          missing.add(locations.get(i));
        }
      }
      return new JsonObject().put("missing", missing);
    });
  }

  /** {@code {backend}} → {@code {temporaries: [{id, size, modified}]}}. */
  private Future<JsonObject> temporaries(JsonObject req) {
    return backend(req.getString("backend")).temporaries().map(list -> {
      JsonArray out = new JsonArray();
      list.forEach(t -> out.add(new JsonObject().put("id", t.id()).put("size", t.size())
          .put("modified", t.modified().toEpochMilli())));
      return new JsonObject().put("temporaries", out);
    });
  }

  private Future<JsonObject> delete(JsonObject ref) {
    StorageBackend backend = backend(ref.getString("backend"));
    BlobKey key = BlobKey.fromRelativePath(ref.getString("location"));
    return backend.delete(key).map(deleted -> new JsonObject().put("deleted", deleted));
  }

  private StorageBackend backend(String id) {
    return java.util.Optional.ofNullable(backends.all().get(id)).orElseThrow(() -> new ApiException(ErrorCode.STORAGE_UNAVAILABLE,
        "no storage backend '" + id + "' is configured"));
  }
}
