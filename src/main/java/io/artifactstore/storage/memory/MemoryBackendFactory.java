package io.artifactstore.storage.memory;

import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackendFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Builds {@link MemoryBackend}s; there are no options. */
public final class MemoryBackendFactory implements StorageBackendFactory {

  @Override
  public String type() {
    return "memory";
  }

  @Override
  public Future<StorageBackend> create(Vertx vertx, String id, JsonObject options) {
    return Future.succeededFuture(new MemoryBackend(vertx, id));
  }
}
