package io.artifactstore.hashing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadedSha256Test {

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 65535, 65536, 65537, 131072, 300_001})
  @DisplayName("the head digest is the SHA-256 of the first 64 KiB (all when shorter), whatever "
      + "the pieces; the full digest is the SHA-256 of everything")
  void headAndFull(int size) throws Exception {
    SplittableRandom random = new SplittableRandom(size);
    byte[] data = new byte[size];
    random.nextBytes(data);
    byte[] full = MessageDigest.getInstance("SHA-256").digest(data);
    byte[] head = MessageDigest.getInstance("SHA-256")
        .digest(Arrays.copyOf(data, Math.min(size, HeadedSha256.HEAD_BYTES)));
    for (int round = 0; round < 20; round++) {
      HeadedSha256 arrays = new HeadedSha256();
      HeadedSha256 buffers = new HeadedSha256();
      for (int at = 0; at < size; ) {
        int n = Math.min(size - at, 1 + random.nextInt(round < 10 ? 70_000 : 2_000));
        arrays.update(data, at, n);
        ByteBuffer piece = round % 2 == 0 ? ByteBuffer.wrap(data, at, n)
            : ByteBuffer.allocateDirect(n).put(data, at, n).flip();
        buffers.update(piece);
        assertEquals(0, piece.remaining(), "the buffer is consumed");
        at += n;
      }
      assertEquals(size, arrays.count());
      assertEquals(size, buffers.count());
      for (HeadedSha256 h : new HeadedSha256[] {arrays, buffers}) {
        byte[][] d = h.finish();
        assertArrayEquals(full, d[0], "full, round " + round);
        assertArrayEquals(head, d[1], "head, round " + round);
      }
    }
  }
}
