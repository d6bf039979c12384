package io.artifactstore.dataplane;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One reused heap array of {@link #BYTES} bytes that an upload copies arriving bytes into, front
 * to back, and hands on as views (normally one, of the full slab): each view is read by both
 * digests and by the writer, and the slab goes back to its {@link Slabs} pool once the upload has
 * let go of it and every view is consumed.
 *
 * <p>Filled by one thread (the upload's context); references are counted across threads.
 */
final class Slab {

  /**
   * Size of a slab in bytes: the unit the digests and the writer are handed (four of Vert.x's
   * usual 64 KiB reads; fewer hand-overs cost less than many small ones).
   */
  static final int BYTES = 256 * 1024;

  private final Slabs pool;
  private final byte[] bytes = new byte[BYTES];
  private final AtomicInteger references = new AtomicInteger();
  private int filled;
  private int handed;

  Slab(Slabs pool) {
    this.pool = pool;
  }

  /** Makes a taken slab empty and held once, by the upload that fills it. */
  Slab open() {
    filled = 0;
    handed = 0;
    references.set(1);
    return this;
  }

  /** Bytes that still fit. */
  int free() {
    return BYTES - filled;
  }

  /**
   * Copies {@code length} bytes of {@code data}, from index {@code from}, after what the slab
   * holds.
   *
   * @throws IndexOutOfBoundsException when they do not fit ({@link #free()})
   */
  void copy(Buffer data, int from, int length) {
    if (length > free()) {
      throw new IndexOutOfBoundsException(length + " bytes do not fit in " + free());
    }
    data.getBytes(from, from + length, bytes, filled);
    filled += length;
  }

  /** Bytes copied in and not handed on yet. */
  int unhanded() {
    return filled - handed;
  }

  /**
   * A view of the bytes not handed on yet, for {@code readers} readers that each give their
   * reference back with {@link #release()} once done with it.
   */
  Buffer hand(int readers) {
    Buffer view = BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, handed, filled - handed));
    handed = filled;
    references.addAndGet(readers);
    return view;
  }

  /** Gives one reference back; the last one returns the slab to its pool. */
  void release() {
    int left = references.decrementAndGet();
    if (left == 0) {
      pool.recycle(this);
    } else if (left < 0) {
      throw new IllegalStateException("slab released more often than it was referenced");
    }
  }
}
