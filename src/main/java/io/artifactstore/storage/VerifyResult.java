package io.artifactstore.storage;

/** Digests recomputed from the stored bytes of one object. */
public record VerifyResult(BlobKey key, long size, String sha256, String blake3) {

  /** Whether the recomputed digests and size equal the expected ones. */
  public boolean matches(long expectedSize, String expectedSha256, String expectedBlake3) {
    return size == expectedSize
        && sha256.equals(expectedSha256)
        && (expectedBlake3 == null || blake3.equals(expectedBlake3));
  }
}
