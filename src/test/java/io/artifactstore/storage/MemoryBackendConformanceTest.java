package io.artifactstore.storage;

import io.artifactstore.storage.memory.MemoryBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The conformance suite against {@link MemoryBackend}. */
class MemoryBackendConformanceTest extends StorageBackendConformanceTest {

  @Override
  protected Future<StorageBackend> createBackend(Vertx vertx) {
    return Future.succeededFuture(new MemoryBackend(vertx, "memory"));
  }
}
