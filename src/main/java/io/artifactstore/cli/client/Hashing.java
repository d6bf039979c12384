package io.artifactstore.cli.client;

import io.artifactstore.hashing.Blake3;
import io.artifactstore.hashing.HeadedSha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 (and BLAKE3) of streams and files, in one pass, in fixed-size chunks. */
public final class Hashing {

  static final int CHUNK = 256 * 1024;

  private final MessageDigest sha256 = newSha256();
  private final Blake3 blake3;
  private long size;

  /** A hasher for SHA-256, plus BLAKE3 when {@code withBlake3}. */
  public Hashing(boolean withBlake3) {
    this.blake3 = withBlake3 ? new Blake3() : null;
  }

  public void update(byte[] b, int off, int len) {
    sha256.update(b, off, len);
    if (blake3 != null) {
      blake3.update(b, off, len);
    }
    size += len;
  }

  public long size() {
    return size;
  }

  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  public String blake3Hex() {
    return HexFormat.of().formatHex(blake3.digest());
  }

  /** The SHA-256 hex of a file. */
  public static String sha256(Path file) throws IOException {
    Hashing h = new Hashing(false);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[CHUNK];
      int n;
      while ((n = in.read(buf)) > 0) {
        h.update(buf, 0, n);
      }
    }
    return h.sha256Hex();
  }

  /**
   * The SHA-256 hex of a file's head: its first {@link HeadedSha256#HEAD_BYTES} bytes (64 KiB),
   * or all of it when shorter; what the server records of every blob (GET /v1/blobs).
   */
  public static String headSha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in.readNBytes(HeadedSha256.HEAD_BYTES));
    }
  }

  /** The SHA-256 hex of bytes. */
  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(newSha256().digest(bytes));
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
