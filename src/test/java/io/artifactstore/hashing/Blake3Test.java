package io.artifactstore.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class Blake3Test {

  /** The input of the reference test vectors: byte i is i mod 251. */
  private static byte[] vectorInput(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i % 251);
    }
    return b;
  }

  private static String reference(byte[] data) {
    Blake3Digest d = new Blake3Digest(256);
    d.update(data, 0, data.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return HexFormat.of().formatHex(out);
  }

  private static String ours(byte[] data, int[] splits) {
    Blake3 h = new Blake3();
    int off = 0;
    int i = 0;
    while (off < data.length) {
      int n = Math.min(splits[i++ % splits.length], data.length - off);
      h.update(data, off, n);
      off += n;
    }
    return HexFormat.of().formatHex(h.digest());
  }

  @Test
  @DisplayName("known answers: empty input, 'abc', and the reference vector of 1 KiB + 1")
  void knownAnswers() {
    assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
        ours(new byte[0], new int[] {1}));
    assertEquals("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
        ours("abc".getBytes(), new int[] {3}));
  }

  @Test
  @DisplayName("equals BouncyCastle at every chunk and tree boundary of the reference vector lengths")
  void referenceLengths() {
    int[] lengths = {0, 1, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 2048, 2049, 3072, 3073,
        4096, 4097, 5120, 5121, 6144, 6145, 7168, 7169, 8192, 8193, 16384, 31744, 102400};
    for (int len : lengths) {
      byte[] data = vectorInput(len);
      String expected = reference(data);
      assertEquals(expected, ours(data, new int[] {Math.max(1, len)}), "one update, " + len);
      assertEquals(expected, ours(data, new int[] {1}), "byte by byte, " + len);
      assertEquals(expected, ours(data, new int[] {1024}), "chunk by chunk, " + len);
      assertEquals(expected, ours(data, new int[] {7, 1000, 64, 3000}), "mixed, " + len);
    }
  }

  @Test
  @DisplayName("equals BouncyCastle on random inputs up to 4 MiB in random pieces")
  void randomInputs() {
    Random r = new Random(42);
    for (int t = 0; t < 40; t++) {
      int len = t < 30 ? r.nextInt(70_000) : r.nextInt(4 << 20);
      byte[] data = new byte[len];
      r.nextBytes(data);
      int[] splits = {1 + r.nextInt(5000), 1 + r.nextInt(70_000), 1 + r.nextInt(64)};
      assertEquals(reference(data), ours(data, splits), "length " + len);
    }
  }
}
