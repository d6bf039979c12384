package io.artifactstore.hashing;

import java.util.Base64;
import java.util.HexFormat;

/**
 * The size and both digests of one byte sequence, as computed by {@link MultiDigest} and
 * {@link PipelinedDigest}, with the SHA-256 of its head ({@link HeadedSha256}: the first 64 KiB,
 * or everything when shorter). Digests are 32 bytes each.
 */
public record Digests(long size, byte[] sha256, byte[] blake3, byte[] headSha256) {

  private static final HexFormat HEX = HexFormat.of();

  public String sha256Hex() {
    return HEX.formatHex(sha256);
  }

  public String blake3Hex() {
    return HEX.formatHex(blake3);
  }

  public String headSha256Hex() {
    return HEX.formatHex(headSha256);
  }

  /** RFC 9530 form of the SHA-256 digest: {@code sha-256=:<base64>:}. */
  public String sha256Structured() {
    return "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":";
  }
}
