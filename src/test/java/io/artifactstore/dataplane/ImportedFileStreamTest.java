package io.artifactstore.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file imported from a path is opened under a root without following links, and its stream
 * ends only if the file is as it was when opened.
 */
class ImportedFileStreamTest {

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
    ImportRoots.Opened opened = ImportRoots.open(file.toString(), List.of(dir));
    meanwhile.run();
    ImportedFileStream stream = new ImportedFileStream(vertx, opened);
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
    return stream.pipeTo(counter).map(v -> total[0]).onComplete(ar -> opened.close());
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

  @Test
  @DisplayName("a file replaced under its name while it is read fails with import_file_changed")
  void replacedFileFails() throws Exception {
    Path f = file(300_000);
    Throwable e = failure(read(f, () -> {
      try {
        Path other = Files.write(dir.resolve("other"), new byte[300_000]);
        Files.move(other, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (java.io.IOException x) {
        throw new java.io.UncheckedIOException(x);
      }
    }));
    assertEquals(ErrorCode.IMPORT_FILE_CHANGED, assertInstanceOf(ApiException.class, e).code());
  }

  @Test
  @DisplayName("a file read in full is every byte of it, in order, in chunks the consumer paces")
  void readsEveryByte() throws Exception {
    Path f = file(ImportedFileStream.CHUNK * 3 + 17);
    ImportRoots.Opened opened = ImportRoots.open(f.toString(), List.of(dir));
    Buffer all = Buffer.buffer();
    io.vertx.core.Promise<Void> ended = io.vertx.core.Promise.promise();
    new ImportedFileStream(vertx, opened).handler(all::appendBuffer).endHandler(ended::complete)
        .resume();
    ended.future().await(30, java.util.concurrent.TimeUnit.SECONDS);
    opened.close();
    assertEquals(Buffer.buffer(Files.readAllBytes(f)), all);
  }

  @Test
  @DisplayName("links are never followed: a linked file or a linked directory under the root is refused")
  void linksRefused() throws Exception {
    Path outside = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-outside"));
    Files.writeString(outside.resolve("secret"), "secret");
    Path inside = file(10);
    Files.createSymbolicLink(dir.resolve("to-file"), inside);
    Files.createSymbolicLink(dir.resolve("to-outside"), outside);
    Files.createDirectories(dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("sub/up"), dir.resolve("sub"));
    for (String p : List.of("to-file", "to-outside/secret", "sub/up/up/f10")) {
      ApiException e = assertThrows(ApiException.class,
          () -> ImportRoots.open(dir.resolve(p).toString(), List.of(dir)), p);
      assertEquals(ErrorCode.IMPORT_PATH_REFUSED, e.code(), p);
    }
  }

  @Test
  @DisplayName("a FIFO, a directory, the root itself and '.' segments are refused without blocking")
  void notRegularRefused() throws Exception {
    Path fifo = dir.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Files.createDirectories(dir.resolve("d"));
    file(10);
    for (String p : List.of(fifo.toString(), dir.resolve("d").toString(), dir.toString(),
        dir + "/./f10", dir + "/d/../f10")) {
      ApiException e = assertThrows(ApiException.class, () -> ImportRoots.open(p, List.of(dir)),
          p);
      assertEquals(ErrorCode.IMPORT_PATH_REFUSED, e.code(), p);
    }
    assertEquals(ErrorCode.IMPORT_FILE_MISSING, assertThrows(ApiException.class,
        () -> ImportRoots.open(dir.resolve("d/none").toString(), List.of(dir))).code());
    assertEquals(ErrorCode.IMPORT_FILE_MISSING, assertThrows(ApiException.class,
        () -> ImportRoots.open(dir.resolve("none/f").toString(), List.of(dir))).code());
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
