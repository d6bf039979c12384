package io.artifactstore.hashing;

import io.artifactstore.concurrent.NamedDaemonThreads;
import io.artifactstore.concurrent.SerialExecutor;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * SHA-256 and BLAKE3 of a stream, each byte read once by each digest, with the two digests on
 * two threads: SHA-256 (hardware-accelerated, cheap) on the caller's event loop, BLAKE3 (the
 * expensive one) on a hashing thread, so an upload is hashed at the speed of the slower digest
 * instead of the sum of both.
 *
 * <p>The buffers handed to {@link #update} must not change afterwards (Vert.x request buffers
 * do not). {@link #pendingBytes()} tells how far BLAKE3 lags behind; writers use it for
 * back-pressure so that the lag stays bounded.
 */
public final class PipelinedDigest {

  private static final ExecutorService POOL = Executors.newFixedThreadPool(
      Math.max(1, Runtime.getRuntime().availableProcessors()),
      new NamedDaemonThreads("artifactstore-hash"));

  private final Context context;
  private final SerialExecutor lane = new SerialExecutor(POOL);
  private final MessageDigest sha256;
  private final Blake3 blake3 = new Blake3();
  private final byte[] scratch = new byte[64 * 1024];
  private long size;
  private long pending;
  private Runnable onCaughtUp;

  /** Callbacks (catching up, finishing) run on {@code context}. */
  public PipelinedDigest(Context context) {
    this.context = context;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Called on the context's thread. */
  public void update(Buffer buffer) {
    int length = buffer.length();
    ByteBuf buf = ((BufferInternal) buffer).getByteBuf();
    sha256.update(buf.nioBuffer());
    size += length;
    pending += length;
    lane.execute(() -> {
      blake3Update(buf);
      context.runOnContext(v -> caughtUp(length));
    });
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

  private void caughtUp(int length) {
    pending -= length;
    Runnable r = onCaughtUp;
    if (r != null) {
      r.run();
    }
  }

  /** Bytes given to {@link #update} that BLAKE3 has not consumed yet. */
  public long pendingBytes() {
    return pending;
  }

  /** Bytes seen so far. */
  public long size() {
    return size;
  }

  /** Runs {@code r} on the context each time BLAKE3 consumes a buffer. */
  public void onProgress(Runnable r) {
    this.onCaughtUp = r;
  }

  /** Completes, on the context, once BLAKE3 has consumed everything. */
  public Future<Digests> finish() {
    Promise<Digests> promise = Promise.promise();
    byte[] sha = sha256.digest();
    long total = size;
    lane.execute(() -> {
      byte[] b3 = new byte[32];
      blake3.doFinal(b3, 0);
      context.runOnContext(v -> promise.complete(new Digests(total, sha, b3)));
    });
    return promise.future();
  }
}
