package io.artifactstore.hashing;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 (FIPS 180-4) of a byte stream and of its head: its first {@link #HEAD_BYTES} bytes,
 * or the whole stream when it is shorter. The head digest lets a client learn cheaply that the
 * server cannot hold a file's content ({@code GET /v1/blobs?size=N&head_sha256=H}) without
 * reading the whole file first; it identifies nothing on its own.
 *
 * <p>Not thread-safe: one instance per stream. The head costs a second SHA-256 over at most
 * {@link #HEAD_BYTES} bytes (about 40 microseconds), whatever the stream's length.
 */
public final class HeadedSha256 {

  /** Bytes of the head: 64 KiB. */
  public static final int HEAD_BYTES = 64 * 1024;

  private final MessageDigest sha256 = newSha256();
  private final MessageDigest head = newSha256();
  private long count;

  /** Adds {@code length} bytes of {@code bytes} from {@code offset}. */
  public void update(byte[] bytes, int offset, int length) {
    if (count < HEAD_BYTES) {
      head.update(bytes, offset, (int) Math.min(length, HEAD_BYTES - count));
    }
    sha256.update(bytes, offset, length);
    count += length;
  }

  /** Adds the remaining bytes of {@code bytes}, consuming them. */
  public void update(ByteBuffer bytes) {
    int length = bytes.remaining();
    if (count < HEAD_BYTES) {
      ByteBuffer first = bytes.duplicate();
      first.limit(first.position() + (int) Math.min(length, HEAD_BYTES - count));
      head.update(first);
    }
    sha256.update(bytes);
    count += length;
  }

  /** Bytes added so far. */
  public long count() {
    return count;
  }

  /**
   * Completes both digests: {@code [sha256, headSha256]}, 32 bytes each. The instance must not
   * be used afterwards.
   */
  public byte[][] finish() {
    return new byte[][] {sha256.digest(), head.digest()};
  }

  /** A new SHA-256 digest; every JDK has one (Java SE's required algorithms). */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
