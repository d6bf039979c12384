package io.artifactstore.storage.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectFileSinkTest {

  private static final int[] SIZES = {0, 1, 4095, 4096, 4097, 1024 * 1024 - 1, 1024 * 1024,
      1024 * 1024 + 1, 3 * 1024 * 1024 + 12345};

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
