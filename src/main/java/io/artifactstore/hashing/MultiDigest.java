package io.artifactstore.hashing;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 and BLAKE3 of one byte sequence, computed in a single pass over the bytes.
 *
 * <p>Not thread-safe: one instance per stream. Incoming buffers are usually direct Netty buffers;
 * they are copied in slices into one reusable array so that both digests read the same bytes
 * without a per-chunk allocation.
 */
public final class MultiDigest {

  private static final int SCRATCH = 64 * 1024;

  private final MessageDigest sha256;
  private final Blake3 blake3 = new Blake3();
  private final byte[] scratch = new byte[SCRATCH];
  private long size;

  public MultiDigest() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  public void update(Buffer buffer) {
    ByteBuf buf = ((BufferInternal) buffer).getByteBuf();
    if (buf.hasArray()) {
      update(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      return;
    }
    int index = buf.readerIndex();
    int remaining = buf.readableBytes();
    while (remaining > 0) {
      int n = Math.min(remaining, SCRATCH);
      buf.getBytes(index, scratch, 0, n);
      update(scratch, 0, n);
      index += n;
      remaining -= n;
    }
  }

  public void update(byte[] bytes, int offset, int length) {
    sha256.update(bytes, offset, length);
    blake3.update(bytes, offset, length);
    size += length;
  }

  public long size() {
    return size;
  }

  /** Completes both digests; the instance must not be used afterwards. */
  public Digests finish() {
    byte[] b3 = new byte[32];
    blake3.doFinal(b3, 0);
    return new Digests(size, sha256.digest(), b3);
  }
}
