package io.artifactstore.hashing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** BLAKE3 on every kernel this JVM can run: scalar always, the vector kernel on JDK 25+. */
class Blake3Test {

  private static final HexFormat HEX = HexFormat.of();

  static List<Blake3Kernels.Choice> kernels() {
    return Blake3Kernels.available();
  }

  /** The input of the official test vectors: byte i is i mod 251. */
  private static byte[] vectorInput(int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i % 251);
    }
    return b;
  }

  private static JsonArray officialCases() throws IOException {
    try (InputStream in = Blake3Test.class.getResourceAsStream("blake3-test-vectors.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getJsonArray("cases");
    }
  }

  private static Blake3 hash(Blake3Kernels.Choice kernel, byte[] data, int[] splits) {
    Blake3 h = new Blake3(kernel.newKernel());
    int off = 0;
    int i = 0;
    while (off < data.length) {
      int n = Math.min(splits[i++ % splits.length], data.length - off);
      h.update(data, off, n);
      off += n;
    }
    return h;
  }

  private static byte[] bouncyCastle(byte[] data, int length) {
    Blake3Digest d = new Blake3Digest(length * 8);
    d.update(data, 0, data.length);
    byte[] out = new byte[length];
    d.doFinal(out, 0, length);
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  @DisplayName("official test vectors: every input length, 32-byte hash and 131-byte extended"
      + " output, in one update, byte by byte, chunk by chunk and in uneven pieces")
  void officialVectors(Blake3Kernels.Choice kernel) throws IOException {
    JsonArray cases = officialCases();
    assertEquals(22, cases.size(), "the official set has 22 hash cases");
    int[][] splitPatterns = {{Integer.MAX_VALUE}, {1}, {1024}, {7, 1000, 64, 3000}, {8192}};
    for (Object o : cases) {
      JsonObject c = (JsonObject) o;
      int len = c.getInteger("input_len");
      byte[] expected = HEX.parseHex(c.getString("hash"));
      for (int[] splits : splitPatterns) {
        Blake3 h = hash(kernel, vectorInput(len), splits);
        String what = kernel.name() + ", length " + len + ", pieces " + Arrays.toString(splits);
        assertArrayEquals(Arrays.copyOf(expected, 32), h.digest(), "hash, " + what);
        byte[] extended = new byte[expected.length];
        h.doFinal(extended, 0, extended.length);
        assertArrayEquals(expected, extended, "extended output, " + what);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  @DisplayName("equals BouncyCastle on random inputs up to 4 MiB in random update sizes")
  void randomInputsAgainstBouncyCastle(Blake3Kernels.Choice kernel) {
    Random r = new Random(42);
    for (int t = 0; t < 60; t++) {
      int len = t < 40 ? r.nextInt(300_000) : r.nextInt(4 << 20);
      byte[] data = new byte[len];
      r.nextBytes(data);
      int[] splits = new int[1 + r.nextInt(6)];
      for (int i = 0; i < splits.length; i++) {
        splits[i] = 1 + r.nextInt(switch (r.nextInt(3)) {
          case 0 -> 100;
          case 1 -> 20_000;
          default -> 200_000;
        });
      }
      int outLen = 1 + r.nextInt(200);
      byte[] ours = new byte[outLen];
      hash(kernel, data, splits).doFinal(ours, 0, outLen);
      assertArrayEquals(bouncyCastle(data, outLen), ours,
          kernel.name() + ", length " + len + ", pieces " + Arrays.toString(splits));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  @DisplayName("every length around the subtree sizes a kernel pass covers equals BouncyCastle")
  void subtreeEdges(Blake3Kernels.Choice kernel) {
    Random r = new Random(7);
    byte[] data = new byte[(130 << 10) + 1];
    r.nextBytes(data);
    for (int chunks : new int[] {2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 128}) {
      for (int delta : new int[] {-1, 0, 1}) {
        int len = chunks * 1024 + delta;
        byte[] input = Arrays.copyOf(data, len);
        assertArrayEquals(bouncyCastle(input, 32),
            hash(kernel, input, new int[] {Integer.MAX_VALUE}).digest(),
            kernel.name() + ", length " + len);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  @DisplayName("the parent kernel equals one compression per parent, for every count")
  void parentsMatchScalar(Blake3Kernels.Choice kernel) {
    Random r = new Random(3);
    for (int count = 1; count <= 40; count++) {
      int[] cvs = r.ints(16 * count).toArray();
      int[] expected = new int[8 * count];
      new ScalarKernel().parents(cvs, 0, count, expected, 0);
      int[] inPlace = cvs.clone();
      kernel.newKernel().parents(inPlace, 0, count, inPlace, 0);
      assertArrayEquals(expected, Arrays.copyOf(inPlace, 8 * count),
          kernel.name() + ", " + count + " parents");
    }
  }
}
