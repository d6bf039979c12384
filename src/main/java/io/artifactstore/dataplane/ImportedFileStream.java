package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;

/**
 * A local file opened for import ({@link ImportRoots#open}), read on worker threads in chunks
 * of {@value #CHUNK} bytes, one read at a time and only as fast as the consumer asks
 * ({@link #fetch}). Created paused.
 *
 * <p>It ends only if the file is as it was when opened: at the end of the file, its attributes
 * are read again (by name in the directory it was opened from, links not followed) and must show
 * the same file (device and inode), size and modification time as before the first byte, and
 * the bytes read must equal that size. A file that changed, was truncated, grew or was replaced
 * fails the stream with {@code import_file_changed} instead of ending it, so the upload is
 * cancelled and nothing is stored. A read error fails it with {@code storage_unavailable}.
 */
final class ImportedFileStream implements ReadStream<Buffer> {

  static final int CHUNK = 256 * 1024;

  private final Vertx vertx;
  private final Context context;
  private final ImportRoots.Opened file;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand;
  private long read;
  private boolean reading;
  private boolean done;

  ImportedFileStream(Vertx vertx, ImportRoots.Opened file) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.file = file;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    readMore();
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    if (amount > 0) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
      readMore();
    }
    return this;
  }

  /** The outcome of one read: a chunk, or the end (null) once the file proved unchanged. */
  private void readMore() {
    if (reading || done || demand == 0 || handler == null) {
      return;
    }
    reading = true;
    long readSoFar = read;
    context.<Buffer>executeBlocking(() -> readChunk(readSoFar), false).onComplete(ar -> {
      reading = false;
      if (done) {
        return;
      }
      if (ar.failed()) {
        done = true;
        Handler<Throwable> h = exceptionHandler;
        if (h != null) {
          h.handle(ar.cause());
        }
        return;
      }
      Buffer chunk = ar.result();
      if (chunk == null) {
        done = true;
        Handler<Void> h = endHandler;
        if (h != null) {
          h.handle(null);
        }
        return;
      }
      read += chunk.length();
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      Handler<Buffer> h = handler;
      if (h != null) {
        h.handle(chunk);
      }
      readMore();
    });
  }

  private Buffer readChunk(long readSoFar) {
    byte[] bytes = new byte[CHUNK];
    int n;
    try {
      n = file.channel().read(ByteBuffer.wrap(bytes));
    } catch (IOException e) {
      throw new ApiException(ErrorCode.STORAGE_UNAVAILABLE, "reading " + file.display()
          + " failed: " + e + "; nothing was stored");
    }
    if (n > 0) {
      return Buffer.buffer(n == CHUNK ? bytes : Arrays.copyOf(bytes, n));
    }
    if (n == 0) {
      return Buffer.buffer();
    }
    BasicFileAttributes before = file.before();
    BasicFileAttributes now;
    try {
      now = file.now();
    } catch (IOException e) {
      throw changed(readSoFar, "gone now");
    }
    if (!Objects.equals(now.fileKey(), before.fileKey()) || now.size() != before.size()
        || readSoFar != before.size()
        || !now.lastModifiedTime().equals(before.lastModifiedTime())) {
      throw changed(readSoFar, !Objects.equals(now.fileKey(), before.fileKey())
          ? "another file now" : now.size() + " bytes now");
    }
    return null;
  }

  private ApiException changed(long readSoFar, String now) {
    return new ApiException(ErrorCode.IMPORT_FILE_CHANGED, file.display() + " changed while it"
        + " was read (" + file.before().size() + " bytes when opened, " + readSoFar + " read, "
        + now + "); nothing was stored");
  }
}
