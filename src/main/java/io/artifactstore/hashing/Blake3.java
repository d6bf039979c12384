package io.artifactstore.hashing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * BLAKE3 (hash mode, 256-bit output), written for throughput on the JVM.
 *
 * <p>BLAKE3 is the upload path's bottleneck. BouncyCastle's {@code Blake3Digest} keeps the
 * compression state in arrays indexed through permutation tables; here the 16 state words
 * live in locals and the seven rounds are unrolled with the message schedule applied at
 * generation time, so every message-word index is a constant. Whole 1 KiB chunks are
 * compressed straight from the caller's array. The output is checked against BouncyCastle and
 * the reference test vectors in {@code Blake3Test}.
 *
 * <p>Not thread-safe; one instance per stream.
 */
public final class Blake3 {

  private static final int[] IV = {
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
    0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19
  };
  private static final int CHUNK_START = 1;
  private static final int CHUNK_END = 2;
  private static final int PARENT = 4;
  private static final int ROOT = 8;
  private static final int BLOCK_LEN = 64;
  private static final int CHUNK_LEN = 1024;
  /** Enough chaining values for 2^54 chunks, more than any stream this hashes. */
  private static final int MAX_DEPTH = 54;
  private static final VarHandle LE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final int[] cv = new int[8];
  private final int[] m = new int[16];
  private final byte[] block = new byte[BLOCK_LEN];
  private final int[] stack = new int[MAX_DEPTH * 8];
  private int stackDepth;
  private int blockLen;
  private int blocksCompressed;
  private long chunkCounter;

  public Blake3() {
    System.arraycopy(IV, 0, cv, 0, 8);
  }

  public void update(byte[] input, int offset, int length) {
    int off = offset;
    int len = length;
    while (len > 0) {
      if (chunkLength() == CHUNK_LEN) {
        // A full chunk and more input: the chunk is not the last one, so it can be closed.
        finishChunk();
      }
      if (chunkLength() == 0 && len > CHUNK_LEN) {
        hashWholeChunk(input, off);
        off += CHUNK_LEN;
        len -= CHUNK_LEN;
        continue;
      }
      int take = Math.min(CHUNK_LEN - chunkLength(), len);
      updateChunk(input, off, take);
      off += take;
      len -= take;
    }
  }

  /** Writes the 32-byte digest into {@code out} at {@code offset}; the instance is then spent. */
  public void doFinal(byte[] out, int offset) {
    // The last chunk's output, folded with every pending chaining value, is the root.
    Arrays.fill(block, blockLen, BLOCK_LEN, (byte) 0);
    loadBlock(block, 0);
    int flags = CHUNK_END | (blocksCompressed == 0 ? CHUNK_START : 0);
    int[] node = cv.clone();
    long counter = chunkCounter;
    int nodeLen = blockLen;
    int depth = stackDepth;
    while (depth > 0) {
      compress(node, m, counter, nodeLen, flags);
      depth--;
      System.arraycopy(stack, depth * 8, m, 0, 8);
      System.arraycopy(node, 0, m, 8, 8);
      System.arraycopy(IV, 0, node, 0, 8);
      counter = 0;
      nodeLen = BLOCK_LEN;
      flags = PARENT;
    }
    compress(node, m, counter, nodeLen, flags | ROOT);
    for (int i = 0; i < 8; i++) {
      LE_INT.set(out, offset + 4 * i, node[i]);
    }
  }

  /** The digest of everything given to {@link #update}. */
  public byte[] digest() {
    byte[] out = new byte[32];
    doFinal(out, 0);
    return out;
  }

  private int chunkLength() {
    return blocksCompressed * BLOCK_LEN + blockLen;
  }

  private void updateChunk(byte[] input, int offset, int length) {
    int off = offset;
    int len = length;
    while (len > 0) {
      if (blockLen == BLOCK_LEN) {
        // A full block and more input for this chunk: it is not the chunk's last block.
        loadBlock(block, 0);
        compress(cv, m, chunkCounter, BLOCK_LEN, blocksCompressed == 0 ? CHUNK_START : 0);
        blocksCompressed++;
        blockLen = 0;
      }
      int take = Math.min(BLOCK_LEN - blockLen, len);
      System.arraycopy(input, off, block, blockLen, take);
      blockLen += take;
      off += take;
      len -= take;
    }
  }

  private void hashWholeChunk(byte[] input, int offset) {
    for (int b = 0; b < 16; b++) {
      loadBlock(input, offset + b * BLOCK_LEN);
      int flags = (b == 0 ? CHUNK_START : 0) | (b == 15 ? CHUNK_END : 0);
      compress(cv, m, chunkCounter, BLOCK_LEN, flags);
    }
    pushChunk();
  }

  private void finishChunk() {
    loadBlock(block, 0);
    compress(cv, m, chunkCounter, BLOCK_LEN, CHUNK_END | (blocksCompressed == 0 ? CHUNK_START : 0));
    pushChunk();
  }

  /** Adds the finished chunk's chaining value to the tree, merging complete subtrees. */
  private void pushChunk() {
    long total = chunkCounter + 1;
    while ((total & 1) == 0) {
      stackDepth--;
      System.arraycopy(stack, stackDepth * 8, m, 0, 8);
      System.arraycopy(cv, 0, m, 8, 8);
      System.arraycopy(IV, 0, cv, 0, 8);
      compress(cv, m, 0, BLOCK_LEN, PARENT);
      total >>= 1;
    }
    System.arraycopy(cv, 0, stack, stackDepth * 8, 8);
    stackDepth++;
    chunkCounter++;
    System.arraycopy(IV, 0, cv, 0, 8);
    blocksCompressed = 0;
    blockLen = 0;
  }

  private void loadBlock(byte[] bytes, int offset) {
    for (int i = 0; i < 16; i++) {
      m[i] = (int) LE_INT.get(bytes, offset + 4 * i);
    }
  }

  /** The compression function; leaves the first half of its output in {@code h}. */
  private static void compress(int[] h, int[] m, long counter, int blockLength, int flags) {
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
