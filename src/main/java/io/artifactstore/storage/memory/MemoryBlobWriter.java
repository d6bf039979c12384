package io.artifactstore.storage.memory;

import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.StorageException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Accumulates one upload in memory; the bytes become visible only when commit stores them.
 *
 * <p>Memory accepts every write at once, so the queue is never full and the drain handler is
 * never needed; producers written against the contract still work unchanged.
 */
final class MemoryBlobWriter implements BlobWriter {

  private enum State { OPEN, COMMITTED, CANCELLED }

  private final MemoryBackend backend;
  private Buffer bytes = Buffer.buffer();
  private State state = State.OPEN;

  MemoryBlobWriter(MemoryBackend backend) {
    this.backend = backend;
  }

  @Override
  public synchronized long bytesWritten() {
    return bytes == null ? 0 : bytes.length();
  }

  @Override
  public synchronized Future<Void> write(Buffer data) {
    if (state != State.OPEN) {
      return Future.failedFuture(notOpen("write"));
    }
    bytes.appendBuffer(data);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> end() {
    return state == State.OPEN ? Future.succeededFuture() : Future.failedFuture(notOpen("end"));
  }

  @Override
  public BlobWriter exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public BlobWriter setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public BlobWriter drainHandler(Handler<Void> handler) {
    return this;
  }

  @Override
  public synchronized Future<CommitResult> commit(BlobKey key) {
    if (state != State.OPEN) {
      return Future.failedFuture(notOpen("commit"));
    }
    state = State.COMMITTED;
    Buffer content = bytes;
    bytes = null;
    boolean deduplicated = !backend.store(key, content);
    return Future.succeededFuture(new CommitResult(key, content.length(), deduplicated));
  }

  @Override
  public synchronized Future<Void> cancel() {
    if (state == State.OPEN) {
      state = State.CANCELLED;
      bytes = null;
    }
    return Future.succeededFuture();
  }

  private StorageException notOpen(String operation) {
    return new StorageException(StorageException.Kind.INVALID_STATE,
        "cannot " + operation + " an upload that is " + state.name().toLowerCase());
  }
}
