package io.artifactstore.hashing;

import java.util.Base64;
import java.util.HexFormat;

/** The size and both digests of one byte sequence, as computed by {@link MultiDigest}. */
public record Digests(long size, byte[] sha256, byte[] blake3) {

  private static final HexFormat HEX = HexFormat.of();

  public String sha256Hex() {
    return HEX.formatHex(sha256);
  }

  public String blake3Hex() {
    return HEX.formatHex(blake3);
  }

  /** RFC 9530 form of the SHA-256 digest: {@code sha-256=:<base64>:}. */
  public String sha256Structured() {
    return "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":";
  }
}
