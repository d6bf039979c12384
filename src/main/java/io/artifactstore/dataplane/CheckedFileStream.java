package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileProps;
import io.vertx.core.streams.ReadStream;

/**
 * A local file read for import, which ends only if the file is as it was when opened: at the
 * end its size and modification time are read again and compared with those seen before the
 * first byte, and with the bytes read. A file that changed fails the stream with
 * {@code import_file_changed} instead of ending it, so the upload is cancelled and nothing is
 * stored.
 */
final class CheckedFileStream implements ReadStream<Buffer> {

  private final Vertx vertx;
  private final AsyncFile file;
  private final String path;
  private final FileProps before;
  private long read;
  private Handler<Throwable> exceptionHandler;

  CheckedFileStream(Vertx vertx, AsyncFile file, String path, FileProps before) {
    this.vertx = vertx;
    this.file = file;
    this.path = path;
    this.before = before;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    file.exceptionHandler(handler);
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    file.handler(handler == null ? null : b -> {
      read += b.length();
      handler.handle(b);
    });
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
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    file.endHandler(endHandler == null ? null : v -> vertx.fileSystem().props(path)
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result().size() == before.size() && read == before.size()
              && ar.result().lastModifiedTime() == before.lastModifiedTime()) {
            endHandler.handle(null);
            return;
          }
          Handler<Throwable> h = exceptionHandler;
          if (h != null) {
            h.handle(new ApiException(ErrorCode.IMPORT_FILE_CHANGED, path + " changed while it"
                + " was read (" + before.size() + " bytes when opened, " + read + " read, "
                + (ar.succeeded() ? ar.result().size() + " now" : "gone now")
                + "); nothing was stored"));
          }
        }));
    return this;
  }
}
