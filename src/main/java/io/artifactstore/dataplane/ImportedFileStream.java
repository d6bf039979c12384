package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.streams.DemandReadStream;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
final class ImportedFileStream extends DemandReadStream {

  static final int CHUNK = 256 * 1024;

  private final Context context;
  private final ImportRoots.Opened file;
  private long read;
  private boolean reading;
  private boolean done;

  ImportedFileStream(Vertx vertx, ImportRoots.Opened file) {
    super(0);
    this.context = vertx.getOrCreateContext();
    this.file = file;
  }

  @Override
  protected void demandChanged() {
    readMore();
  }

  /** One read at a time: a chunk, or the end (null) once the file proved unchanged. */
  private void readMore() {
    if (reading || done || demand() == 0 || !hasHandler()) {
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
        emitFailure(ar.cause());
        return;
      }
      Buffer chunk = ar.result();
      if (chunk == null) {
        done = true;
        emitEnd();
        return;
      }
      read += chunk.length();
      emit(chunk);
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
