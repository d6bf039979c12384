package io.artifactstore.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileProps;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file imported from a path ends only if it is as it was when opened. */
class CheckedFileStreamTest {

  Vertx vertx;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** Reads {@code file} through the stream, having run {@code meanwhile} after opening it. */
  private Future<Long> read(Path file, Runnable meanwhile) {
    FileProps before = vertx.fileSystem().props(file.toString()).await();
    var opened = vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true)
        .setWrite(false)).await();
    opened.pause();
    meanwhile.run();
    CheckedFileStream stream = new CheckedFileStream(vertx, opened, file.toString(), before);
    long[] total = new long[1];
    WriteStream<Buffer> counter = new io.vertx.core.streams.WriteStream<>() {
      public WriteStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> h) {
        return this;
      }
      public Future<Void> write(Buffer data) {
        total[0] += data.length();
        return Future.succeededFuture();
      }
      public Future<Void> end() {
        return Future.succeededFuture();
      }
      public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
      }
      public boolean writeQueueFull() {
        return false;
      }
      public WriteStream<Buffer> drainHandler(io.vertx.core.Handler<Void> handler) {
        return this;
      }
    };
    return stream.pipeTo(counter).map(v -> total[0]).eventually(opened::close);
  }

  private Path file(int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve("f" + size), bytes);
  }

  @Test
  @DisplayName("an unchanged file ends normally with every byte read")
  void unchangedFileEnds() throws Exception {
    Path f = file(300_000);
    assertEquals(300_000L, read(f, () -> { }).await());
  }

  @Test
  @DisplayName("a file that grows while it is read fails with import_file_changed")
  void grownFileFails() throws Exception {
    Path f = file(300_000);
    Throwable e = failure(read(f, () -> append(f)));
    assertEquals(ErrorCode.IMPORT_FILE_CHANGED, assertInstanceOf(ApiException.class, e).code());
  }

  @Test
  @DisplayName("a file cut short while it is read fails with import_file_changed")
  void truncatedFileFails() throws Exception {
    Path f = file(300_000);
    Throwable e = failure(read(f, () -> truncate(f)));
    assertEquals(ErrorCode.IMPORT_FILE_CHANGED, assertInstanceOf(ApiException.class, e).code());
  }

  private static Throwable failure(Future<Long> f) {
    try {
      f.await();
    } catch (CompletionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("the read succeeded");
  }

  private static void append(Path f) {
    try {
      Files.write(f, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void truncate(Path f) {
    try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.truncate(1000);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
