package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.hashing.MultiDigest;
import io.artifactstore.storage.BlobWriter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Feeds every buffer once through both digests and on to the backend writer, passing the
 * writer's back-pressure through to the source. Refuses bytes past the size limit.
 */
final class HashingWriteStream implements WriteStream<Buffer> {

  private final BlobWriter writer;
  private final MultiDigest digest = new MultiDigest();
  private final long maxBytes;

  HashingWriteStream(BlobWriter writer, long maxBytes) {
    this.writer = writer;
    this.maxBytes = maxBytes;
  }

  MultiDigest digest() {
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
    return writer.writeQueueFull();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    writer.drainHandler(handler);
    return this;
  }
}
