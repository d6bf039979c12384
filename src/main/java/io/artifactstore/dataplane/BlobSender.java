package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackends;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Sends stored bytes to an HTTP response: zero-copy {@code sendFile} when the backend keeps a
 * local file, otherwise a back-pressured pipe from the backend's stream. Headers are the
 * caller's business; this only moves bytes.
 */
public final class BlobSender {

  private final StorageBackends backends;

  public BlobSender(StorageBackends backends) {
    this.backends = backends;
  }

  /**
   * Picks the location to read from a reference's {@code locations}: the default backend when it
   * holds the blob, else the first configured backend that does.
   */
  public Located locate(JsonObject ref) {
    JsonArray locations = ref.getJsonArray("locations", new JsonArray());
    Located chosen = null;
    for (int i = 0; i < locations.size(); i++) {
      JsonObject l = locations.getJsonObject(i);
      Optional<StorageBackend> backend = Optional.ofNullable(backends.all().get(l.getString("backend")));
      if (backend.isEmpty()) {
        continue;
      }
      Located candidate = new Located(backend.get(), BlobKey.fromRelativePath(l.getString("location")));
      if (backend.get() == backends.defaultBackend()) {
        return candidate;
      }
      if (chosen == null) {
        chosen = candidate;
      }
    }
    if (chosen == null) {
      throw new ApiException(ErrorCode.STORAGE_UNAVAILABLE,
          "no configured storage backend holds blob sha256:" + ref.getString("sha256"));
    }
    return chosen;
  }

  /** Sends {@code length} bytes from {@code offset}; the response is ended when done. */
  public Future<Void> send(Located at, HttpServerResponse response, long offset, long length) {
    Optional<Path> file = at.backend().localFile(at.key());
    if (file.isPresent()) {
      return response.sendFile(file.get().toString(), offset, length);
    }
    return at.backend().get(at.key(), offset, length).compose(stream -> stream.pipeTo(response));
  }

  /** A blob in one backend. */
  public record Located(StorageBackend backend, BlobKey key) {}
}
