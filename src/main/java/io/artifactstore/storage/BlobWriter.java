package io.artifactstore.storage;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Streaming writer of one new object. Callers write the bytes, work out the digests, then either
 * {@link #commit} under the content address or {@link #cancel}. A writer that is neither committed
 * nor cancelled leaves only a temporary object that the backend removes at its next start.
 *
 * <p>{@link #end()} must not be used to finish a writer: it only flushes; commit or cancel it.
 *
 * <p>A writer is done with the buffer given to {@link #write} once the returned future completes
 * (either way): it copies what it keeps longer, so the caller may then reuse the bytes.
 */
public interface BlobWriter extends WriteStream<Buffer> {

  /** Bytes accepted so far. */
  long bytesWritten();

  /**
   * Makes the written bytes durable and visible under {@code key}. When the backend already
   * holds that key the new copy is discarded (content is stored once) and the result says so.
   */
  Future<CommitResult> commit(BlobKey key);

  /** Discards everything written; idempotent, and safe after a failed write. */
  Future<Void> cancel();

  /** What a commit did. */
  record CommitResult(BlobKey key, long size, boolean deduplicated) {}
}
