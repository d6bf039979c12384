package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.hashing.PipelinedDigest;
import io.artifactstore.storage.BlobWriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Feeds every buffer once through both digests and on to the backend writer. The queue is full
 * when the backend's is, or when a digest lags more than {@link #allowance()} bytes behind, so
 * the client is slowed to the pace of the slower of storage and hashing and memory stays
 * bounded. Refuses bytes past the size limit.
 *
 * <p>The bytes an upload holds on the heap (received, not yet hashed or written) are bounded
 * per upload, and all uploads in the process share {@link #BUDGET}: with one upload it may
 * run {@link #MAX_HASH_LAG} ahead, with sixteen 2 MiB each, never less than
 * {@link #MIN_ALLOWANCE}. Without the shared bound, 16 uploads of 8 MiB each filled a 128 MiB
 * heap and the server exited on {@code OutOfMemoryError}.
 */
final class HashingWriteStream implements WriteStream<Buffer> {

  /** Bytes a digest or the writer may lag behind the socket, for an upload on its own. */
  static final long MAX_HASH_LAG = 8L * 1024 * 1024;
  /** Bytes all uploads of the process may hold between the socket and the disk. */
  static final long BUDGET = 32L * 1024 * 1024;
  /** The least an upload may hold, however many run (enough to keep the pipeline busy). */
  static final long MIN_ALLOWANCE = 128L * 1024;

  private static final java.util.concurrent.atomic.AtomicInteger ACTIVE =
      new java.util.concurrent.atomic.AtomicInteger();
  private boolean active = true;

  private final BlobWriter writer;
  private final PipelinedDigest digest;
  private final long maxBytes;
  private Handler<Void> drainHandler;

  HashingWriteStream(BlobWriter writer, Context context, long maxBytes) {
    this.writer = writer;
    this.digest = new PipelinedDigest(context);
    this.maxBytes = maxBytes;
    ACTIVE.incrementAndGet();
  }

  /** Bytes this upload may hold now: its share of {@link #BUDGET}, between the bounds. */
  static long allowance() {
    return Math.max(MIN_ALLOWANCE, Math.min(MAX_HASH_LAG, BUDGET / Math.max(1, ACTIVE.get())));
  }

  /** The uploads holding a share of the budget (for tests). */
  static int active() {
    return ACTIVE.get();
  }

  /** Gives the upload's share back; called once its bytes are all hashed and written. */
  void release() {
    if (active) {
      active = false;
      ACTIVE.decrementAndGet();
    }
  }

  PipelinedDigest digest() {
    return digest;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (maxBytes > 0 && digest.size() + data.length() > maxBytes) {
      return Future.failedFuture(new ApiException(ErrorCode.FILE_TOO_LARGE,
          "the file is larger than the limit of " + maxBytes + " bytes"));
    }
    digest.update(data);
    writer.setWriteQueueMaxSize((int) allowance());
    return writer.write(data);
  }

  @Override
  public Future<Void> end() {
    // The writer is finished by commit or cancel, never by end.
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    writer.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    writer.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return writer.writeQueueFull() || digest.pendingBytes() >= allowance();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    writer.drainHandler(handler == null ? null : v -> checkDrained());
    if (handler != null) {
      digest.whenPendingBelow(allowance(), this::checkDrained);
    }
    return this;
  }

  private void checkDrained() {
    Handler<Void> h = drainHandler;
    if (h == null) {
      return;
    }
    if (!writeQueueFull()) {
      drainHandler = null;
      h.handle(null);
    } else if (digest.pendingBytes() >= allowance()) {
      digest.whenPendingBelow(allowance(), this::checkDrained);
    }
  }
}
