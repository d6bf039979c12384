package io.artifactstore.storage.local;

import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackendFactory;
import io.artifactstore.storage.StorageBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Builds {@link LocalBackend}s; option {@code root} (required) is the storage directory. */
public final class LocalBackendFactory implements StorageBackendFactory {

  @Override
  public String type() {
    return "local";
  }

  @Override
  public Future<StorageBackend> create(Vertx vertx, String id, JsonObject options) {
    String key = StorageBackends.configKey(id, "root");
    Object root = options.getValue("root");
    if (!(root instanceof String path) || path.isBlank()) {
      return Future.failedFuture(new IllegalArgumentException(key + ": required, a directory path"));
    }
    Path dir;
    try {
      dir = Path.of(path);
    } catch (InvalidPathException e) {
      return Future.failedFuture(new IllegalArgumentException(key + ": invalid path: " + e.getMessage()));
    }
    return LocalBackend.start(vertx, id, dir)
        .<StorageBackend>map(backend -> backend)
        .recover(t -> Future.failedFuture(
            new IllegalArgumentException(key + ": " + t.getMessage(), t)));
  }
}
