package io.artifactstore.storage.local;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.streams.ReadStream;

/**
 * A range of an {@link AsyncFile} as a plain read stream that closes the file when the range has
 * been read or reading failed.
 *
 * <p>An {@code AsyncFile} stays open after its end, and callers of a storage backend only see a
 * {@link ReadStream}, so they have no way to close it; without this every download would leak a
 * file handle. Flow control is the file's own: pause, resume and fetch are passed through. A
 * reader that goes away before the end clears the handler, which closes the file.
 */
final class FileRangeStream implements ReadStream<Buffer> {

  private final AsyncFile file;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private boolean closed;

  FileRangeStream(AsyncFile file) {
    this.file = file;
    file.endHandler(v -> close().onComplete(ar -> {
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }));
    file.exceptionHandler(t -> close().onComplete(ar -> {
      if (exceptionHandler != null) {
        exceptionHandler.handle(t);
      }
    }));
  }

  private Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    return file.close();
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  /** A null handler before the end releases the file: the reader went away. */
  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    file.handler(handler);
    if (handler == null) {
      close();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    file.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    file.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    file.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }
}
