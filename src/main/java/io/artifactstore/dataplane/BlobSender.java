package io.artifactstore.dataplane;

import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackends;
import io.artifactstore.storage.StorageException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sends stored bytes to an HTTP response in two steps, so that nothing is committed to the
 * client before the bytes are known to be there: {@link #open} finds the object and opens it
 * (a missing object, a short one or a storage failure is an error the caller can still answer
 * with a status of its own), then {@link Opened#send} writes it. A backend that keeps a local
 * file sends it zero-copy ({@code sendfile}); others are piped with back-pressure. Header fields
 * are the caller's business; this only moves bytes.
 */
public final class BlobSender {

  private final StorageBackends backends;

  public BlobSender(StorageBackends backends) {
    this.backends = backends;
  }

  /**
   * Opens {@code length} bytes from {@code offset} of the object a reference names
   * ({@code {sha256, size, locations: [{backend, location}]}}), trying its locations in order of
   * preference: the default backend first, then the others as recorded. Fails with a
   * {@link StorageException} of kind {@code NOT_FOUND} when no location holds it, of kind
   * {@code IO} when a stored object does not have the recorded size, of kind
   * {@code UNAVAILABLE} when no configured backend is named, and with the backend's failure
   * otherwise. {@code zeroCopy}: a local file may be sent with {@code sendfile} (HTTP/1.x; an
   * HTTP/2 stream cannot take it, so there the file is read as a stream).
   */
  public Future<Opened> open(JsonObject ref, long offset, long length, boolean zeroCopy) {
    List<Located> candidates = candidates(ref);
    if (candidates.isEmpty()) {
      return Future.failedFuture(new StorageException(StorageException.Kind.UNAVAILABLE,
          "no configured storage backend holds blob sha256:" + ref.getString("sha256")));
    }
    return openFirst(candidates, 0, ref.getLong("size"), offset, length, zeroCopy);
  }

  private Future<Opened> openFirst(List<Located> candidates, int i, long size, long offset,
      long length, boolean zeroCopy) {
    Located at = candidates.get(i);
    return openAt(at, size, offset, length, zeroCopy).recover(e -> {
      if (i + 1 < candidates.size() && e instanceof StorageException s
          && s.kind() == StorageException.Kind.NOT_FOUND) {
        return openFirst(candidates, i + 1, size, offset, length, zeroCopy);
      }
      return Future.failedFuture(e);
    });
  }

  private Future<Opened> openAt(Located at, long size, long offset, long length,
      boolean zeroCopy) {
    Optional<Path> file = zeroCopy ? at.backend().localFile(at.key()) : Optional.empty();
    if (file.isPresent()) {
      return openFile(at, file.get(), size, offset, length);
    }
    // Not a local file: its size is asked first, so that an object that is not the recorded
    // size is refused before anything is answered (a stream would only show it at its end).
    return at.backend().head(at.key()).compose(stat -> {
      if (stat.isEmpty()) {
        return Future.failedFuture(new StorageException(StorageException.Kind.NOT_FOUND,
            "no object " + at.key()));
      }
      if (stat.get().size() != size) {
        return Future.failedFuture(wrongSize(at, stat.get().size(), size));
      }
      if (length == 0) {
        return Future.succeededFuture(new EmptyOpened());
      }
      return at.backend().get(at.key(), offset, length)
          .map(stream -> new StreamOpened(stream, length));
    });
  }

  /**
   * Opens a local file (a quick system call, made on the calling event loop as Vert.x's own
   * {@code sendFile} does) and checks its size.
   */
  private static Future<Opened> openFile(Located at, Path path, long size, long offset,
      long length) {
    RandomAccessFile raf;
    try {
      raf = new RandomAccessFile(path.toFile(), "r");
    } catch (FileNotFoundException e) {
      // Removed between the check and the open (reclaimed, say): as absent.
      return Future.failedFuture(new StorageException(StorageException.Kind.NOT_FOUND,
          "no object " + at.key()));
    }
    try {
      long actual = raf.length();
      if (actual != size) {
        close(raf);
        return Future.failedFuture(wrongSize(at, actual, size));
      }
      return Future.succeededFuture(new FileOpened(raf, offset, length));
    } catch (IOException e) {
      close(raf);
      return Future.failedFuture(new StorageException(StorageException.Kind.IO,
          "cannot read " + at.key() + ": " + e.getMessage(), e));
    }
  }

  private static StorageException wrongSize(Located at, long actual, long recorded) {
    return new StorageException(StorageException.Kind.IO, "the stored object " + at.key()
        + " in backend " + at.backend().id() + " has " + actual + " bytes, not the recorded "
        + recorded);
  }

  private static void close(RandomAccessFile raf) {
    try {
      raf.close();
    } catch (IOException ignored) {
      // read-only: nothing was written that could be lost
    }
  }

  private List<Located> candidates(JsonObject ref) {
    JsonArray locations = ref.getJsonArray("locations", new JsonArray());
    List<Located> out = new ArrayList<>();
    for (int i = 0; i < locations.size(); i++) {
      JsonObject l = locations.getJsonObject(i);
      StorageBackend backend = backends.all().get(l.getString("backend"));
      if (backend == null) {
        continue;
      }
      Located candidate = new Located(backend, BlobKey.fromRelativePath(l.getString("location")));
      if (backend == backends.defaultBackend()) {
        out.add(0, candidate);
      } else {
        out.add(candidate);
      }
    }
    return out;
  }

  /** A blob in one backend. */
  private record Located(StorageBackend backend, BlobKey key) {}

  /** An open object: sent once, or closed unsent. */
  public interface Opened {

    /** Writes the opened bytes to {@code response} and ends it; releases the object. */
    Future<Void> send(HttpServerResponse response);

    /** Releases the object without sending it (a HEAD, a client gone). */
    void close();
  }

  private static final class FileOpened implements Opened {
    private final RandomAccessFile file;
    private final long offset;
    private final long length;

    FileOpened(RandomAccessFile file, long offset, long length) {
      this.file = file;
      this.offset = offset;
      this.length = length;
    }

    @Override
    public Future<Void> send(HttpServerResponse response) {
      return response.sendFile(file, offset, length).eventually(() -> {
        close();
        return Future.succeededFuture();
      });
    }

    @Override
    public void close() {
      BlobSender.close(file);
    }
  }

  /** Nothing to send: a zero-length range of a non-file object. */
  private static final class EmptyOpened implements Opened {
    @Override
    public Future<Void> send(HttpServerResponse response) {
      return response.end();
    }

    @Override
    public void close() {}
  }

  /**
   * A backend's read stream. The bytes are counted on their way: a stream that ends short of
   * what was announced (an object changed under us) closes the connection instead of ending
   * the response, so the client sees a broken transfer, not a complete-looking one.
   */
  private static final class StreamOpened implements Opened {
    private final ReadStream<Buffer> stream;
    private final long length;

    StreamOpened(ReadStream<Buffer> stream, long length) {
      this.stream = stream;
      this.length = length;
    }

    @Override
    public Future<Void> send(HttpServerResponse response) {
      long[] sent = {0};
      TappedStream counted = new TappedStream(stream, chunk -> sent[0] += chunk.length());
      return counted.pipe().endOnSuccess(false).to(response).compose(v -> {
        if (sent[0] == length) {
          return response.end();
        }
        return Future.failedFuture(new StorageException(StorageException.Kind.IO,
            "the object ended after " + sent[0] + " of " + length + " bytes"));
      });
    }

    @Override
    public void close() {
      // Clearing the handler of a backend's read stream releases it (StorageBackend#get).
      stream.handler(null);
    }
  }
}
