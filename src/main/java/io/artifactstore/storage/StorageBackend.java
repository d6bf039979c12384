package io.artifactstore.storage;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A place where content-addressed objects live: local filesystem, S3-compatible store, memory.
 *
 * <p>Every method is asynchronous and never blocks the calling event loop. Objects are immutable
 * once committed; identical content is stored once. Implementations are safe to share between
 * verticles: results complete on the caller's context where the backend has one, and callers
 * must not assume more.
 */
public interface StorageBackend {

  /** The id this backend was configured under (recorded with every blob it holds). */
  String id();

  /** The backend type name, such as {@code local}, {@code s3} or {@code memory}. */
  String type();

  /**
   * Opens a streaming writer for a new object whose address is not known yet. Bytes go to a
   * temporary place; nothing is visible under a content address until {@link BlobWriter#commit}.
   */
  Future<BlobWriter> newWriter();

  /** Size of a stored object, or an empty optional when it is absent. */
  Future<Optional<BlobStat>> head(BlobKey key);

  /**
   * Reads {@code length} bytes starting at {@code offset}; {@code length < 0} reads to the end.
   * The returned stream is paused-capable and honours back-pressure. Fails with
   * {@link StorageException.Kind#NOT_FOUND} when the object is absent. A range running past the
   * end is cut at the end; an offset past the end (or negative) fails with
   * {@link StorageException.Kind#INVALID_STATE}, while an offset equal to the size reads nothing.
   * The future completes once the object is open, so a caller learns of a missing object before
   * it commits to anything. A reader that stops before the end clears the stream's handler
   * ({@code handler(null)}), which releases what the stream holds (a file, a connection).
   */
  Future<ReadStream<Buffer>> get(BlobKey key, long offset, long length);

  /** Removes an object; completes with {@code false} when there was nothing to remove. */
  Future<Boolean> delete(BlobKey key);

  /** Re-reads an object and hashes it again; the caller compares with what it expects. */
  Future<VerifyResult> verify(BlobKey key);

  /** Reachability, writability and capacity of the backend. Never fails: reports instead. */
  Future<StorageHealth> health();

  /**
   * The object as a local file, when the backend keeps one, so that it can be sent zero-copy.
   * Backends that are not file based return an empty optional.
   */
  default Optional<Path> localFile(BlobKey key) {
    return Optional.empty();
  }

  /**
   * The inventory, one page at a time: up to {@code limit} objects under content addresses,
   * those whose key sorts after {@code after} (null: from the first), in the order of
   * {@link BlobKey#relativePath()}. For integrity checks (fsck); cost grows with the store.
   */
  Future<java.util.List<StoredObject>> list(BlobKey after, int limit);

  /** Temporary upload data the backend holds now (uploads in flight among them). */
  Future<java.util.List<TemporaryUpload>> temporaries();

  /** Removes one temporary upload; {@code false} when it was already gone. */
  Future<Boolean> removeTemporary(String id);

  /**
   * Free and used space of the backend's store, cheap enough to read on every metrics scrape
   * (a {@code statvfs}); empty for stores without such a notion (S3).
   */
  default Optional<SpaceStat> space() {
    return Optional.empty();
  }

  /**
   * Makes the backend the running server's own, before the server serves anything. Only a
   * long-running server claims its backends; offline commands (fsck) use them unclaimed, beside
   * it. {@code owner} identifies the server to whoever finds the backend taken:
   * {@code {"host": name, "pid": number, "started": ISO-8601 instant, "listening"?: URL}}.
   * Fails with {@link StorageException.Kind#UNAVAILABLE}, in one line naming the holder, when
   * another server has it; {@link #close} gives it up. Backends that need no owner do nothing.
   */
  default Future<Void> claim(io.vertx.core.json.JsonObject owner) {
    return Future.succeededFuture();
  }

  /** Releases clients and threads, and what {@link #claim} took. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
