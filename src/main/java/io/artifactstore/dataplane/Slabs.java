package io.artifactstore.dataplane;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool of {@link Slab}s that hold uploads' bytes between the socket and the disk.
 *
 * <p>Why copy: Vert.x hands every piece of a request body over as a new heap buffer, and an
 * upload kept each one until both digests and the writer were done with it, up to
 * {@link HashingWriteStream#BUDGET} across uploads. Under sixteen concurrent uploads those
 * buffers outlived the young generation and were promoted, and the serial collector's old
 * generation filled again and again: a full collection of about 40 ms every 80 ms
 * ({@code -Xlog:gc}, 16 x 64 MiB uploads at {@code -Xmx96m}). Copied into a slab at once (one
 * {@code memcpy}), the arriving buffer dies young; slabs are long-lived and reused. Together
 * with small body pieces (HttpVerticle's chunk size) this took the full collections of a 16 x
 * 64 MiB run from 15-20 to 0-1 (at {@code -Xmx96m}; 0-2 at the launcher's {@code -Xmx80m});
 * either change alone left 14-22.
 *
 * <p>Never blocks, and holds at most {@code capacity} slabs, in use or free: when all are out,
 * {@link #take()} says so and the caller passes its bytes on uncopied (as Vert.x gave them), so
 * that many slow uploads, each holding a partly filled slab, cannot take more than the pool's
 * memory. Thread-safe.
 */
final class Slabs {

  /**
   * The process's pool (24 MiB): the budget's worth plus one partly filled slab for each of 32
   * uploads.
   */
  static final Slabs SHARED = new Slabs((int) (HashingWriteStream.BUDGET / Slab.BYTES) + 32);

  private final int capacity;
  private final ConcurrentLinkedQueue<Slab> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pooled = new AtomicInteger();
  private final AtomicInteger outstanding = new AtomicInteger();

  /** A pool of at most {@code capacity} slabs. */
  Slabs(int capacity) {
    this.capacity = capacity;
  }

  /**
   * An empty slab held once by the caller (a pooled one when there is one), or null when
   * {@code capacity} slabs are out.
   */
  Slab take() {
    if (outstanding.incrementAndGet() > capacity) {
      outstanding.decrementAndGet();
      return null;
    }
    Slab slab = free.poll();
    if (slab == null) {
      slab = new Slab(this);
    } else {
      pooled.decrementAndGet();
    }
    return slab.open();
  }

  /** Slabs waiting for reuse (for tests). */
  int pooled() {
    return pooled.get();
  }

  /** Slabs taken and not given back yet (for tests). */
  int outstanding() {
    return outstanding.get();
  }

  void recycle(Slab slab) {
    pooled.incrementAndGet();
    free.offer(slab);
    outstanding.decrementAndGet();
  }
}
