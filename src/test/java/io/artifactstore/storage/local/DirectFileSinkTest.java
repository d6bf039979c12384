package io.artifactstore.storage.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectFileSinkTest {

  private static final int[] SIZES = {0, 1, 4095, 4096, 4097, 1024 * 1024 - 1, 1024 * 1024,
      1024 * 1024 + 1, 3 * 1024 * 1024 + 12345, (int) DirectFileSink.GROW_AFTER - 1,
      (int) DirectFileSink.GROW_AFTER, (int) DirectFileSink.GROW_AFTER + 1,
      (int) DirectFileSink.GROW_AFTER + DirectFileSink.LARGE_BUFFER_BYTES + 4097,
      9 * 1024 * 1024 + 12345};

  private static void roundTrip(Path file, int size, long seed) throws Exception {
    roundTrip(file, size, seed, true);
  }

  private static void roundTrip(Path file, int size, long seed, boolean direct)
      throws Exception {
    byte[] data = new byte[size];
    Random r = new Random(seed);
    r.nextBytes(data);
    try (DirectFileSink sink = DirectFileSink.create(file, direct)) {
      int off = 0;
      while (off < size) {
        int n = Math.min(size - off, 1 + r.nextInt(300_000));
        sink.write(ByteBuffer.wrap(data, off, n));
        off += n;
      }
    }
    assertArrayEquals(data, Files.readAllBytes(file), "size " + size);
  }

  @Test
  @DisplayName("files of every size around the block and buffer boundaries come back exactly")
  void exactBytes(@TempDir Path dir) throws Exception {
    for (int size : SIZES) {
      roundTrip(dir.resolve("f" + size), size, size);
    }
  }

  @Test
  @DisplayName("past GROW_AFTER bytes a file writes through a large buffer while one is free;"
      + " the others keep the small one, every file comes back exactly, and closing frees them")
  void largeBuffersAreShared(@TempDir Path dir) throws Exception {
    int files = DirectFileSink.LARGE_BUFFERS + 2;
    int size = (int) DirectFileSink.GROW_AFTER + 2 * DirectFileSink.LARGE_BUFFER_BYTES + 777;
    byte[][] data = new byte[files][size];
    DirectFileSink[] sinks = new DirectFileSink[files];
    Random r = new Random(7);
    for (int i = 0; i < files; i++) {
      r.nextBytes(data[i]);
      sinks[i] = DirectFileSink.create(dir.resolve("f" + i));
    }
    int free = DirectFileSink.largeBuffersFree();
    assertEquals(DirectFileSink.LARGE_BUFFERS, free,
        "no file of an earlier test still holds a large buffer (closing gives it back)");
    // Interleaved, as concurrent uploads write.
    for (int off = 0; off < size; off += 100_000) {
      for (int i = 0; i < files; i++) {
        sinks[i].write(ByteBuffer.wrap(data[i], off, Math.min(100_000, size - off)));
      }
    }
    long large = java.util.Arrays.stream(sinks)
        .filter(s -> s.bufferBytes() == DirectFileSink.LARGE_BUFFER_BYTES).count();
    assertEquals(free, large, "as many large buffers as are free");
    assertEquals(0, DirectFileSink.largeBuffersFree());
    for (int i = 0; i < files; i++) {
      sinks[i].close();
      sinks[i].close(); // a second close changes nothing
      assertArrayEquals(data[i], Files.readAllBytes(dir.resolve("f" + i)), "file " + i);
    }
    assertEquals(free, DirectFileSink.largeBuffersFree());
  }

  @Test
  @DisplayName("a file is flushed in the background every FLUSH_EVERY bytes and comes back "
      + "exactly, direct or through the page cache; close leaves no flush running")
  void flushedAsItGoes(@TempDir Path dir) throws Exception {
    int size = (int) (2 * DirectFileSink.FLUSH_EVERY + 12345);
    byte[] data = new byte[size];
    new Random(11).nextBytes(data);
    for (boolean direct : new boolean[] {true, false}) {
      Path file = dir.resolve("f" + direct);
      java.util.List<Long> flushedSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.atomic.AtomicInteger running =
          new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
      DirectFileSink sink = DirectFileSink.create(file, direct, ch -> {
        running.incrementAndGet();
        ch.force(false);
        flushedSizes.add(ch.size());
        running.decrementAndGet();
        first.countDown();
      });
      for (int off = 0; off < size; off += 250_000) {
        sink.write(ByteBuffer.wrap(data, off, Math.min(250_000, size - off)));
        if (off >= DirectFileSink.FLUSH_EVERY) {
          first.await(); // the first flush starts at FLUSH_EVERY bytes: wait until it has run
        }
      }
      sink.close();
      assertEquals(0, running.get(), "no flush runs after close");
      // One at FLUSH_EVERY; a second at 2 x FLUSH_EVERY ran, or was cancelled at close.
      assertTrue(sink.flushes() >= 1 && sink.flushes() <= 2, "flushes: " + sink.flushes());
      assertTrue(flushedSizes.size() >= 1 && flushedSizes.size() <= sink.flushes(),
          "flushed " + flushedSizes + " of " + sink.flushes());
      assertTrue(flushedSizes.get(0) >= DirectFileSink.FLUSH_EVERY, "flushed " + flushedSizes);
      assertArrayEquals(data, Files.readAllBytes(file), "direct " + direct);
    }
  }

  @Test
  @DisplayName("a background flush that fails fails the file: close reports it (not dropped)")
  void failedFlushFailsTheFile(@TempDir Path dir) throws Exception {
    java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
    DirectFileSink sink = DirectFileSink.create(dir.resolve("f"), true, ch -> {
      ran.countDown();
      throw new java.io.IOException("Input/output error");
    });
    byte[] piece = new byte[1024 * 1024];
    for (long written = 0; written < DirectFileSink.FLUSH_EVERY + piece.length;
        written += piece.length) {
      try {
        sink.write(ByteBuffer.wrap(piece));
      } catch (java.io.IOException reportedEarly) {
        break; // the failure may already be known to the next write
      }
    }
    // A flush still queued at close would never run (the commit's fsync covers it): this one ran.
    ran.await();
    java.io.IOException e = assertThrows(java.io.IOException.class, sink::close);
    assertTrue(e.getMessage().contains("flushing") && e.getMessage().contains("Input/output"),
        e.getMessage());
    sink.close(); // closed: nothing more to report, nothing held
  }

  @Test
  @DisplayName("a flush that fails unchecked, followed by one that succeeds, still fails the file")
  void earlierFailureIsKept(@TempDir Path dir) throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch firstDone = new java.util.concurrent.CountDownLatch(1);
    DirectFileSink sink = DirectFileSink.create(dir.resolve("f"), true, ch -> {
      if (calls.incrementAndGet() == 1) {
        firstDone.countDown();
        throw new IllegalStateException("driver bug");
      }
    });
    byte[] piece = new byte[1024 * 1024];
    IOException reported = null;
    // Past the first flush, then past a second one once the first has failed.
    for (long written = 0; written < 3 * DirectFileSink.FLUSH_EVERY && reported == null;
        written += piece.length) {
      if (written == DirectFileSink.FLUSH_EVERY + piece.length) {
        firstDone.await();
      }
      try {
        sink.write(ByteBuffer.wrap(piece));
      } catch (IOException e) {
        reported = e;
      }
    }
    IOException atClose = assertThrows(IOException.class, sink::close, "close reports it too");
    reported = reported == null ? atClose : reported;
    assertTrue(reported.getMessage().contains("driver bug"), reported.getMessage());
  }

  @Test
  @DisplayName("the page-cache fallback writes the same bytes")
  void fallbackWritesExactBytes(@TempDir Path dir) throws Exception {
    try (DirectFileSink probe = DirectFileSink.create(dir.resolve("probe"), false)) {
      assertFalse(probe.isDirect());
    }
    for (int size : SIZES) {
      roundTrip(dir.resolve("f" + size), size, size + 1, false);
    }
  }
}
