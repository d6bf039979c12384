package io.artifactstore.hashing;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * SHA-256 (and that of the head, {@link HeadedSha256}) and BLAKE3 of one byte sequence, computed in a single pass over the bytes.
 *
 * <p>Not thread-safe: one instance per stream. Incoming buffers are usually direct Netty buffers;
 * they are copied in slices into one reusable array so that both digests read the same bytes
 * without a per-chunk allocation.
 */
public final class MultiDigest {

  private static final int SCRATCH = 64 * 1024;

  private final HeadedSha256 sha256 = new HeadedSha256();
  private final Blake3 blake3 = new Blake3();
  private final byte[] scratch = new byte[SCRATCH];
  private long size;

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
    byte[][] sha = sha256.finish();
    return new Digests(size, sha[0], b3, sha[1]);
  }
}
