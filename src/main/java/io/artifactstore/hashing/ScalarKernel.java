package io.artifactstore.hashing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The portable BLAKE3 kernel: one node at a time, on every JDK. The 16 state words live in
 * locals and the seven rounds are unrolled with the message schedule applied at generation
 * time, so every message-word index is a constant (BLAKE3 specification, section 2.2).
 * BouncyCastle's {@code Blake3Digest} keeps the state in arrays indexed through permutation
 * tables and is about four times slower on these machines.
 *
 * <p>Not thread-safe: the message buffer is per instance.
 */
public final class ScalarKernel implements Blake3Kernel {

  static final int[] IV = {
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
    0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19
  };
  static final int CHUNK_START = 1;
  static final int CHUNK_END = 2;
  static final int PARENT = 4;
  static final int ROOT = 8;
  static final int BLOCK_LEN = 64;
  static final int CHUNK_LEN = 1024;
  static final VarHandle LE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final int[] m = new int[16];
  private final int[] h = new int[8];

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int degree() {
    return 1;
  }

  @Override
  public void chunks(byte[] input, int offset, int count, long counter, int[] out, int outOffset) {
    for (int c = 0; c < count; c++) {
      System.arraycopy(IV, 0, h, 0, 8);
      int base = offset + c * CHUNK_LEN;
      for (int b = 0; b < 16; b++) {
        loadBlock(input, base + b * BLOCK_LEN, m);
        int flags = (b == 0 ? CHUNK_START : 0) | (b == 15 ? CHUNK_END : 0);
        compress(h, m, counter + c, BLOCK_LEN, flags);
      }
      System.arraycopy(h, 0, out, outOffset + 8 * c, 8);
    }
  }

  @Override
  public void parents(int[] cvs, int inOffset, int count, int[] out, int outOffset) {
    for (int p = 0; p < count; p++) {
      System.arraycopy(cvs, inOffset + 16 * p, m, 0, 16);
      System.arraycopy(IV, 0, h, 0, 8);
      compress(h, m, 0, BLOCK_LEN, PARENT);
      System.arraycopy(h, 0, out, outOffset + 8 * p, 8);
    }
  }

  /** Reads the 16 little-endian words of the 64-byte block at {@code bytes[offset]}. */
  static void loadBlock(byte[] bytes, int offset, int[] m) {
    for (int i = 0; i < 16; i++) {
      m[i] = (int) LE_INT.get(bytes, offset + 4 * i);
    }
  }

  private static final int[] PERMUTATION = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};

  /**
   * The whole 16-word output of the compression function (BLAKE3 specification, section 2.2):
   * words 0-7 are {@code v[i] ^ v[i + 8]}, words 8-15 {@code v[i + 8] ^ cv[i]}. Used for the
   * root node only (once per output block), so it is written for clarity, not speed.
   */
  static void compressFull(int[] cv, int[] block, long counter, int blockLength, int flags,
      int[] out) {
    int[] v = {
      cv[0], cv[1], cv[2], cv[3], cv[4], cv[5], cv[6], cv[7],
      IV[0], IV[1], IV[2], IV[3], (int) counter, (int) (counter >>> 32), blockLength, flags
    };
    int[] s = block.clone();
    for (int r = 0; r < 7; r++) {
      g(v, 0, 4, 8, 12, s[0], s[1]);
      g(v, 1, 5, 9, 13, s[2], s[3]);
      g(v, 2, 6, 10, 14, s[4], s[5]);
      g(v, 3, 7, 11, 15, s[6], s[7]);
      g(v, 0, 5, 10, 15, s[8], s[9]);
      g(v, 1, 6, 11, 12, s[10], s[11]);
      g(v, 2, 7, 8, 13, s[12], s[13]);
      g(v, 3, 4, 9, 14, s[14], s[15]);
      int[] next = new int[16];
      for (int i = 0; i < 16; i++) {
        next[i] = s[PERMUTATION[i]];
      }
      s = next;
    }
    for (int i = 0; i < 8; i++) {
      out[i] = v[i] ^ v[i + 8];
      out[i + 8] = v[i + 8] ^ cv[i];
    }
  }

  private static void g(int[] v, int a, int b, int c, int d, int x, int y) {
    v[a] += v[b] + x;
    v[d] = Integer.rotateRight(v[d] ^ v[a], 16);
    v[c] += v[d];
    v[b] = Integer.rotateRight(v[b] ^ v[c], 12);
    v[a] += v[b] + y;
    v[d] = Integer.rotateRight(v[d] ^ v[a], 8);
    v[c] += v[d];
    v[b] = Integer.rotateRight(v[b] ^ v[c], 7);
  }

  /** The compression function; leaves the first half of its output in {@code h}. */
  static void compress(int[] h, int[] m, long counter, int blockLength, int flags) {
    // Message words are read from the array where they are used rather than held in locals:
    // with 16 state words live, 16 more locals only force spills (measured 35% slower on
    // JDK 17's C2).
    int v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3];
    int v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
    int v8 = IV[0], v9 = IV[1], v10 = IV[2], v11 = IV[3];
    int v12 = (int) counter, v13 = (int) (counter >>> 32), v14 = blockLength, v15 = flags;
    // round 1
    v0 += v4 + m[0]; v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m[1]; v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m[2]; v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m[3]; v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m[4]; v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m[5]; v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m[6]; v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m[7]; v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m[8]; v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m[9]; v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m[10]; v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m[11]; v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m[12]; v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m[13]; v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m[14]; v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m[15]; v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
    // round 2
    v0 += v4 + m[2]; v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m[6]; v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m[3]; v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m[10]; v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m[7]; v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m[0]; v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m[4]; v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m[13]; v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m[1]; v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m[11]; v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m[12]; v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m[5]; v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m[9]; v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m[14]; v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m[15]; v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m[8]; v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
    // round 3
    v0 += v4 + m[3]; v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m[4]; v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m[10]; v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m[12]; v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m[13]; v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m[2]; v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m[7]; v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m[14]; v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m[6]; v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m[5]; v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m[9]; v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m[0]; v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m[11]; v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m[15]; v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m[8]; v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m[1]; v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
    // round 4
    v0 += v4 + m[10]; v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m[7]; v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m[12]; v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m[9]; v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m[14]; v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m[3]; v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m[13]; v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m[15]; v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m[4]; v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m[0]; v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m[11]; v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m[2]; v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m[5]; v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m[8]; v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m[1]; v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m[6]; v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
    // round 5
    v0 += v4 + m[12]; v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m[13]; v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m[9]; v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m[11]; v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m[15]; v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m[10]; v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m[14]; v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m[8]; v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m[7]; v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m[2]; v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m[5]; v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m[3]; v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m[0]; v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m[1]; v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m[6]; v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m[4]; v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
    // round 6
    v0 += v4 + m[9]; v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m[14]; v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m[11]; v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m[5]; v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m[8]; v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m[12]; v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m[15]; v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m[1]; v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m[13]; v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m[3]; v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m[0]; v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m[10]; v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m[2]; v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m[6]; v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m[4]; v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m[7]; v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);
    // round 7
    v0 += v4 + m[11]; v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m[15]; v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12; v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m[5]; v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m[0]; v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13; v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m[1]; v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m[9]; v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14; v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m[8]; v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m[6]; v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15; v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m[14]; v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m[10]; v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15; v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m[2]; v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m[12]; v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12; v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m[3]; v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m[4]; v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13; v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m[7]; v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m[13]; v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14; v4 = Integer.rotateRight(v4 ^ v9, 7);

    h[0] = v0 ^ v8;
    h[1] = v1 ^ v9;
    h[2] = v2 ^ v10;
    h[3] = v3 ^ v11;
    h[4] = v4 ^ v12;
    h[5] = v5 ^ v13;
    h[6] = v6 ^ v14;
    h[7] = v7 ^ v15;
  }
}
