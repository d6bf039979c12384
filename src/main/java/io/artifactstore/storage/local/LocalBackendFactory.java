package io.artifactstore.storage.local;

import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackendFactory;
import io.artifactstore.storage.StorageBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Builds {@link LocalBackend}s. Options: {@code root} (required), the storage directory;
 * {@code min_free_bytes} (default 1 GiB), the free space below which the backend reports
 * itself degraded; {@code shared_filesystem} (default false), true when several servers serve
 * the root on purpose (a shared filesystem), which turns off the root's lock file.
 */
public final class LocalBackendFactory implements StorageBackendFactory {

  /** The options a local backend takes, besides {@code type}. */
  public static final java.util.List<String> OPTIONS =
      java.util.List.of("root", "min_free_bytes", LocalBackend.SHARED_FILESYSTEM);

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
    long minFree = LocalBackend.DEFAULT_MIN_FREE_BYTES;
    Object given = options.getValue("min_free_bytes");
    if (given != null) {
      if (!(given instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
        return Future.failedFuture(new IllegalArgumentException(
            StorageBackends.configKey(id, "min_free_bytes") + ": a whole number of bytes >= 0"));
      }
      minFree = n.longValue();
    }
    Object shared = options.getValue(LocalBackend.SHARED_FILESYSTEM, false);
    if (!(shared instanceof Boolean sharedFilesystem)) {
      return Future.failedFuture(new IllegalArgumentException(
          StorageBackends.configKey(id, LocalBackend.SHARED_FILESYSTEM) + ": true or false"));
    }
    return LocalBackend.start(vertx, id, dir, minFree, sharedFilesystem)
        .<StorageBackend>map(backend -> backend)
        .recover(t -> Future.failedFuture(
            new IllegalArgumentException(key + ": " + t.getMessage(), t)));
  }
}
