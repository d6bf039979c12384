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
 * when the backend's is, or when BLAKE3 lags more than {@link #MAX_HASH_LAG} bytes behind, so
 * the client is slowed to the pace of the slower of storage and hashing and memory stays
 * bounded. Refuses bytes past the size limit.
 */
final class HashingWriteStream implements WriteStream<Buffer> {

  /** Bytes BLAKE3 may lag behind the socket before the source is paused. */
  static final long MAX_HASH_LAG = 8L * 1024 * 1024;

  private final BlobWriter writer;
  private final PipelinedDigest digest;
  private final long maxBytes;
  private Handler<Void> drainHandler;

  HashingWriteStream(BlobWriter writer, Context context, long maxBytes) {
    this.writer = writer;
    this.digest = new PipelinedDigest(context);
    this.maxBytes = maxBytes;
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
    return writer.writeQueueFull() || digest.pendingBytes() >= MAX_HASH_LAG;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    writer.drainHandler(handler == null ? null : v -> checkDrained());
    if (handler != null) {
      digest.whenPendingBelow(MAX_HASH_LAG, this::checkDrained);
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
    } else if (digest.pendingBytes() >= MAX_HASH_LAG) {
      digest.whenPendingBelow(MAX_HASH_LAG, this::checkDrained);
    }
  }
}
