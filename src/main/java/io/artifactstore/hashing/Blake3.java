package io.artifactstore.hashing;

import static io.artifactstore.hashing.ScalarKernel.BLOCK_LEN;
import static io.artifactstore.hashing.ScalarKernel.CHUNK_END;
import static io.artifactstore.hashing.ScalarKernel.CHUNK_LEN;
import static io.artifactstore.hashing.ScalarKernel.CHUNK_START;
import static io.artifactstore.hashing.ScalarKernel.IV;
import static io.artifactstore.hashing.ScalarKernel.LE_INT;
import static io.artifactstore.hashing.ScalarKernel.PARENT;
import static io.artifactstore.hashing.ScalarKernel.ROOT;

import java.util.Arrays;

/**
 * BLAKE3 in hash mode: 32-byte digests and extended output of any length (BLAKE3
 * specification, sections 2 and 5).
 *
 * <p>The tree is built as in the reference implementation's incremental hasher: input that
 * arrives in runs of more than one chunk is cut into the largest whole subtrees (power-of-two
 * chunk counts aligned to the chunks already hashed, up to 64 KiB), whose chunks and parents
 * are compressed by a {@link Blake3Kernel} many at a time; the chaining-value stack merges
 * lazily, so the last node is known only at {@link #doFinal}. Only the bytes of an incomplete
 * chunk are buffered, and for a many-lane kernel, input that comes in pieces other than whole
 * 64 KiB runs is gathered into such runs first.
 *
 * <p>Checked against the official test vectors and BouncyCastle in {@code Blake3Test}, on every
 * kernel this JVM can run. Not thread-safe; one instance per stream.
 */
public final class Blake3 {

  /** Digest length in bytes of {@link #doFinal(byte[], int)}. */
  public static final int DIGEST_LENGTH = 32;
  /** Largest subtree handed to the kernel at once, in chunks (a power of two). */
  private static final int MAX_SUBTREE_CHUNKS = 64;
  /** Enough chaining values for 2^54 chunks, more than any stream this hashes. */
  private static final int MAX_DEPTH = 54;

  /** Size of the runs a many-lane kernel is fed: {@link #MAX_SUBTREE_CHUNKS} chunks. */
  private static final int PENDING = MAX_SUBTREE_CHUNKS * CHUNK_LEN;

  private final Blake3Kernel kernel;
  /** Input gathered for a many-lane kernel; null for the scalar kernel. */
  private final byte[] pending;
  private int pendingLength;
  private final int[] stack = new int[(MAX_DEPTH + 1) * 8];
  private final int[] subtree = new int[MAX_SUBTREE_CHUNKS * 8];
  private final int[] parent = new int[8];
  private int stackDepth;
  // The chunk in progress: index, chaining value, buffered block.
  private long chunkCounter;
  private final int[] cv = new int[8];
  private final int[] m = new int[16];
  private final byte[] block = new byte[BLOCK_LEN];
  private int blockLen;
  private int blocksCompressed;

  /** A hasher on the kernel chosen for this JVM ({@link Blake3Kernels#selected()}). */
  public Blake3() {
    this(Blake3Kernels.selected().newKernel());
  }

  /** A hasher on {@code kernel}, which it then owns. */
  public Blake3(Blake3Kernel kernel) {
    this.kernel = kernel;
    this.pending = kernel.degree() > 1 ? new byte[PENDING] : null;
    System.arraycopy(IV, 0, cv, 0, 8);
  }

  /** Adds {@code length} bytes of {@code input} from {@code offset}. */
  public void update(byte[] input, int offset, int length) {
    if (pending == null) {
      absorb(input, offset, length);
      return;
    }
    // A many-lane kernel is fast only on whole aligned subtrees: pieces of other sizes are
    // gathered into 64 KiB runs first, runs of whole 64 KiB are hashed in place.
    int off = offset;
    int len = length;
    while (len > 0) {
      if (pendingLength == 0 && len >= PENDING) {
        int direct = len - len % PENDING;
        absorb(input, off, direct);
        off += direct;
        len -= direct;
        continue;
      }
      int take = Math.min(PENDING - pendingLength, len);
      System.arraycopy(input, off, pending, pendingLength, take);
      pendingLength += take;
      off += take;
      len -= take;
      if (pendingLength == PENDING) {
        absorb(pending, 0, PENDING);
        pendingLength = 0;
      }
    }
  }

  private void absorb(byte[] input, int offset, int length) {
    int off = offset;
    int len = length;
    if (chunkLength() > 0) {
      int take = Math.min(CHUNK_LEN - chunkLength(), len);
      updateChunk(input, off, take);
      off += take;
      len -= take;
      if (len == 0) {
        return;
      }
      // The chunk is full and more input follows: it is not the root and can be closed.
      closeChunk();
    }
    while (len > CHUNK_LEN) {
      int chunks = Math.min(Integer.highestOneBit(len) / CHUNK_LEN, MAX_SUBTREE_CHUNKS);
      while (((chunks - 1) & chunkCounter) != 0) {
        chunks >>= 1;
      }
      kernel.chunks(input, off, chunks, chunkCounter, subtree, 0);
      if (chunks == 1) {
        pushCv(subtree, 0, chunkCounter);
      } else {
        for (int count = chunks; count > 2; count >>= 1) {
          kernel.parents(subtree, 0, count / 2, subtree, 0);
        }
        pushCv(subtree, 0, chunkCounter);
        pushCv(subtree, 8, chunkCounter + chunks / 2);
      }
      chunkCounter += chunks;
      off += chunks * CHUNK_LEN;
      len -= chunks * CHUNK_LEN;
    }
    if (len > 0) {
      updateChunk(input, off, len);
      // More input landed in the chunk, so nothing on the stack can be the root any more.
      mergeStack(chunkCounter);
    }
  }

  /** Writes the 32-byte digest into {@code out} at {@code offset}. */
  public void doFinal(byte[] out, int offset) {
    doFinal(out, offset, DIGEST_LENGTH);
  }

  /**
   * Writes {@code length} bytes of extended output into {@code out} at {@code offset}
   * (specification, section 2.6); its first 32 bytes are the digest. More input may follow:
   * the hasher's logical state is not changed.
   */
  public void doFinal(byte[] out, int offset, int length) {
    if (pendingLength > 0) {
      absorb(pending, 0, pendingLength);
      pendingLength = 0;
    }
    // The root node: its chaining value input, block, counter, length and flags.
    int[] nodeCv;
    int[] nodeBlock = new int[16];
    long nodeCounter;
    int nodeLen;
    int nodeFlags;
    int remaining = stackDepth;
    if (remaining == 0 || chunkLength() > 0) {
      byte[] last = Arrays.copyOf(block, BLOCK_LEN);
      Arrays.fill(last, blockLen, BLOCK_LEN, (byte) 0);
      ScalarKernel.loadBlock(last, 0, nodeBlock);
      nodeCv = cv.clone();
      nodeCounter = chunkCounter;
      nodeLen = blockLen;
      nodeFlags = CHUNK_END | (blocksCompressed == 0 ? CHUNK_START : 0);
    } else {
      System.arraycopy(stack, (remaining - 2) * 8, nodeBlock, 0, 16);
      remaining -= 2;
      nodeCv = IV.clone();
      nodeCounter = 0;
      nodeLen = BLOCK_LEN;
      nodeFlags = PARENT;
    }
    int[] words = new int[16];
    while (remaining > 0) {
      ScalarKernel.compressFull(nodeCv, nodeBlock, nodeCounter, nodeLen, nodeFlags, words);
      remaining--;
      System.arraycopy(stack, remaining * 8, nodeBlock, 0, 8);
      System.arraycopy(words, 0, nodeBlock, 8, 8);
      nodeCv = IV.clone();
      nodeCounter = 0;
      nodeLen = BLOCK_LEN;
      nodeFlags = PARENT;
    }
    byte[] outputBlock = new byte[64];
    for (long t = 0; (t * 64) < length; t++) {
      ScalarKernel.compressFull(nodeCv, nodeBlock, t, nodeLen, nodeFlags | ROOT, words);
      for (int i = 0; i < 16; i++) {
        LE_INT.set(outputBlock, 4 * i, words[i]);
      }
      int n = (int) Math.min(64, length - t * 64);
      System.arraycopy(outputBlock, 0, out, offset + (int) (t * 64), n);
    }
  }

  /** The 32-byte digest of everything given to {@link #update}. */
  public byte[] digest() {
    byte[] out = new byte[DIGEST_LENGTH];
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
        ScalarKernel.loadBlock(block, 0, m);
        ScalarKernel.compress(cv, m, chunkCounter, BLOCK_LEN,
            blocksCompressed == 0 ? CHUNK_START : 0);
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

  /** Compresses the full chunk in progress as a non-root chunk and pushes its value. */
  private void closeChunk() {
    ScalarKernel.loadBlock(block, 0, m);
    ScalarKernel.compress(cv, m, chunkCounter, BLOCK_LEN,
        CHUNK_END | (blocksCompressed == 0 ? CHUNK_START : 0));
    pushCv(cv, 0, chunkCounter);
    chunkCounter++;
    System.arraycopy(IV, 0, cv, 0, 8);
    blocksCompressed = 0;
    blockLen = 0;
  }

  /** Pushes the value of the subtree that starts at chunk {@code firstChunk}. */
  private void pushCv(int[] words, int offset, long firstChunk) {
    mergeStack(firstChunk);
    System.arraycopy(words, offset, stack, stackDepth * 8, 8);
    stackDepth++;
  }

  /**
   * Merges the top of the stack until it holds one value per set bit of {@code totalChunks}:
   * the complete subtrees to the left of chunk {@code totalChunks}.
   */
  private void mergeStack(long totalChunks) {
    int keep = Long.bitCount(totalChunks);
    while (stackDepth > keep) {
      stackDepth -= 2;
      System.arraycopy(stack, stackDepth * 8, m, 0, 16);
      System.arraycopy(IV, 0, parent, 0, 8);
      ScalarKernel.compress(parent, m, 0, BLOCK_LEN, PARENT);
      System.arraycopy(parent, 0, stack, stackDepth * 8, 8);
      stackDepth++;
    }
  }
}
