package io.artifactstore.storage;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The content address of a stored object: a digest algorithm and the lowercase hex digest.
 *
 * <p>Backends place an object at {@link #relativePath()}, the same fan-out layout on every
 * backend: {@code <algorithm>/<hex[0:2]>/<hex[2:4]>/<hex>}.
 */
public record BlobKey(String algorithm, String hex) {

  public static final String SHA256 = "sha256";
  public static final String BLAKE3 = "blake3";
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public BlobKey {
    if (!SHA256.equals(algorithm) && !BLAKE3.equals(algorithm)) {
      throw new IllegalArgumentException("unsupported digest algorithm: " + algorithm);
    }
    if (hex == null || !HEX64.matcher(hex).matches()) {
      throw new IllegalArgumentException("digest must be 64 lowercase hex characters");
    }
  }

  public static BlobKey sha256(String hex) {
    return new BlobKey(SHA256, hex.toLowerCase(Locale.ROOT));
  }

  /** Parses a relative path produced by {@link #relativePath()}. */
  public static BlobKey fromRelativePath(String path) {
    String[] parts = path.split("/");
    if (parts.length != 4 || !parts[3].startsWith(parts[1] + parts[2])) {
      throw new IllegalArgumentException("not a blob path: " + path);
    }
    return new BlobKey(parts[0], parts[3]);
  }

  /** {@code <algorithm>/<hex[0:2]>/<hex[2:4]>/<hex>}. */
  public String relativePath() {
    return algorithm + '/' + hex.substring(0, 2) + '/' + hex.substring(2, 4) + '/' + hex;
  }

  @Override
  public String toString() {
    return algorithm + ':' + hex;
  }
}
