package io.artifactstore.hashing;

/**
 * A BLAKE3 compression back end that compresses several independent nodes per call: the
 * "hash_many" interface of the BLAKE3 specification, section 5.3. {@link Blake3} decides the
 * tree; a kernel only compresses whole chunks and parent nodes, neither of them the root.
 *
 * <p>Chaining values are 8 little-endian 32-bit words each. Implementations keep scratch state
 * and are not thread-safe: every hasher owns its kernel.
 */
public interface Blake3Kernel {

  /** The kernel's name as shown in the startup log, {@code /health} and metrics. */
  String name();

  /** How many nodes one pass compresses: 1 for the scalar kernel, the lane count otherwise. */
  int degree();

  /**
   * Chaining values of {@code count} whole, non-root 1024-byte chunks that start at
   * {@code input[offset]} and carry the chunk counters {@code counter}, {@code counter + 1}, ...
   * Chunk {@code i}'s value goes to {@code out[outOffset + 8 * i ..+ 8]}.
   */
  void chunks(byte[] input, int offset, int count, long counter, int[] out, int outOffset);

  /**
   * Chaining values of {@code count} non-root parent nodes. Parent {@code i}'s two children
   * (left then right, 16 words) are {@code cvs[inOffset + 16 * i ..+ 16]}; its value goes to
   * {@code out[outOffset + 8 * i ..+ 8]}. The output may overlap the input when
   * {@code outOffset <= inOffset} in the same array (tree reduction in place).
   */
  void parents(int[] cvs, int inOffset, int count, int[] out, int outOffset);
}
