package io.artifactstore.hashing;

import io.artifactstore.concurrent.NamedDaemonThreads;
import io.artifactstore.concurrent.SerialExecutor;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SHA-256 and BLAKE3 of a stream, each byte read once by each digest, each digest on its own
 * lane of the hashing pool: the event loop only hands buffers over, so an upload is hashed at
 * the speed of the slower digest (not the sum of both) while the event loop keeps to the socket
 * and the disk. Each lane runs its stream's buffers in order, one at a time.
 *
 * <p>The buffers handed to {@link #update} must not change until both digests have read them:
 * Vert.x request buffers never do, and a caller that reuses its arrays learns when from
 * {@link #update(Buffer, Runnable)}. {@link #pendingBytes()} tells how far the slower digest lags behind; writers use it
 * for back-pressure so that the lag stays bounded.
 */
public final class PipelinedDigest {

  private static final ExecutorService POOL = Executors.newFixedThreadPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()),
      new NamedDaemonThreads("artifactstore-hash"));

  private final Context context;
  private final SerialExecutor shaLane = new SerialExecutor(POOL);
  private final SerialExecutor blakeLane = new SerialExecutor(POOL);
  private final HeadedSha256 sha256 = new HeadedSha256();
  private final Blake3 blake3 = new Blake3();
  private final byte[] scratch = new byte[64 * 1024];
  private final AtomicLong shaDone = new AtomicLong();
  private final AtomicLong blakeDone = new AtomicLong();
  /** A wake-up is queued on the context: the lanes need not queue another. */
  private final AtomicBoolean wakeQueued = new AtomicBoolean();
  /** Written on the context only; read by the lanes. */
  private volatile long size;
  private volatile Runnable waiter;
  private volatile long waitBelow;

  /** Callbacks (catching up, finishing) run on {@code context}. */
  public PipelinedDigest(Context context) {
    this.context = context;
  }

  /** Called on the context's thread. */
  public void update(Buffer buffer) {
    update(buffer, null);
  }

  /**
   * Hands {@code buffer} to both digests; {@code consumed} (may be null) runs on a hashing
   * thread once both have read it, after which the caller may reuse its bytes. Called on the
   * context's thread.
   */
  public void update(Buffer buffer, Runnable consumed) {
    int length = buffer.length();
    ByteBuf buf = ((BufferInternal) buffer).getByteBuf();
    AtomicInteger readers = consumed == null ? null : new AtomicInteger(2);
    size += length;
    shaLane.execute(() -> {
      sha256.update(buf.nioBuffer());
      shaDone.addAndGet(length);
      signalProgress();
      done(readers, consumed);
    });
    blakeLane.execute(() -> {
      blake3Update(buf);
      blakeDone.addAndGet(length);
      signalProgress();
      done(readers, consumed);
    });
  }

  private static void done(AtomicInteger readers, Runnable consumed) {
    if (readers != null && readers.decrementAndGet() == 0) {
      consumed.run();
    }
  }

  /**
   * Wakes the context when someone waits for the lag to fall and it has. Only then: waking the
   * event loop after every buffer cost a sixth of the hashing rate (scripts/bench-hashing,
   * dualHashPipelined 1.29 against 1.50 GB/s).
   */
  private void signalProgress() {
    if (waiter != null && pendingBytes() < waitBelow && wakeQueued.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        wakeQueued.set(false);
        wake();
      });
    }
  }

  private void wake() {
    Runnable r = waiter;
    if (r != null && pendingBytes() < waitBelow) {
      waiter = null;
      r.run();
    }
  }

  private void blake3Update(ByteBuf buf) {
    if (buf.hasArray()) {
      blake3.update(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
      return;
    }
    int index = buf.readerIndex();
    int remaining = buf.readableBytes();
    while (remaining > 0) {
      int n = Math.min(remaining, scratch.length);
      buf.getBytes(index, scratch, 0, n);
      blake3.update(scratch, 0, n);
      index += n;
      remaining -= n;
    }
  }

  /** Bytes given to {@link #update} that the slower digest has not consumed yet. */
  public long pendingBytes() {
    return size - Math.min(shaDone.get(), blakeDone.get());
  }

  /** Bytes seen so far. */
  public long size() {
    return size;
  }

  /**
   * Runs {@code r} once on the context as soon as {@link #pendingBytes()} is below
   * {@code bytes} (at once if it already is), replacing any earlier waiter. Called on the
   * context.
   */
  public void whenPendingBelow(long bytes, Runnable r) {
    waitBelow = bytes;
    waiter = r;
    // The lanes may have moved on before the waiter was visible to them.
    wake();
  }

  /** Completes, on the context, once both digests have consumed everything. */
  public Future<Digests> finish() {
    Promise<byte[][]> sha = Promise.promise();
    Promise<byte[]> b3 = Promise.promise();
    long total = size;
    shaLane.execute(() -> {
      byte[][] d = sha256.finish();
      context.runOnContext(v -> sha.complete(d));
    });
    blakeLane.execute(() -> {
      byte[] d = blake3.digest();
      context.runOnContext(v -> b3.complete(d));
    });
    return Future.all(sha.future(), b3.future())
        .map(all -> new Digests(total, sha.future().result()[0], b3.future().result(),
            sha.future().result()[1]));
  }
}
