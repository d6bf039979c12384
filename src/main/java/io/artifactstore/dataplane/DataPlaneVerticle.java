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
    return Future.all(
        Bus.serve(vertx, Addresses.DATAPLANE_HEALTH, m -> health()).completion(),
        Bus.serve(vertx, Addresses.DATAPLANE_VERIFY, this::verify).completion(),
        Bus.serve(vertx, Addresses.DATAPLANE_DELETE, this::delete).completion());
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
