package io.artifactstore.attestations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The gitoid of a byte sequence as Archivista names uploads: the lowercase hex SHA-256 of the
 * git blob object {@code "blob " + <decimal length> + "\0" + <bytes>} (gitoid URI scheme,
 * {@code gitoid:blob:sha256:<hex>}; the same as {@code git hash-object} in a SHA-256
 * repository). Computed incrementally: the length must be known before the first byte.
 */
public final class Gitoid {

  private final MessageDigest sha256;
  private final long length;
  private long seen;

  /** A gitoid over exactly {@code length} bytes, to be given by {@link #update}. */
  public Gitoid(long length) {
    if (length < 0) {
      throw new IllegalArgumentException("length " + length);
    }
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    this.length = length;
    sha256.update(("blob " + length + "\0").getBytes(StandardCharsets.US_ASCII));
  }

  public void update(byte[] bytes, int offset, int count) {
    sha256.update(bytes, offset, count);
    seen += count;
  }

  /**
   * The gitoid, 64 lowercase hex digits. {@link IllegalStateException} when the bytes given
   * were not exactly the announced length.
   */
  public String finish() {
    if (seen != length) {
      throw new IllegalStateException(seen + " bytes given, " + length + " announced");
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** The gitoid of {@code bytes}. */
  public static String of(byte[] bytes) {
    Gitoid g = new Gitoid(bytes.length);
    g.update(bytes, 0, bytes.length);
    return g.finish();
  }

  /** Whether {@code s} has the form of a gitoid (64 lowercase hex digits). */
  public static boolean isGitoid(String s) {
    return s != null && s.matches("[0-9a-f]{64}");
  }
}
