package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.hashing.Digests;
import io.artifactstore.hashing.PipelinedDigest;
import io.artifactstore.storage.BlobWriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * Feeds every buffer once through both digests and on to the backend writer. The queue is full
 * when the backend's is, or when a digest lags more than {@link #allowance()} bytes behind, so
 * the client is slowed to the pace of the slower of storage and hashing and memory stays
 * bounded. Refuses bytes past the size limit.
 *
 * <p>The bytes an upload holds on the heap (received, not yet hashed or written) are bounded
 * per upload, and all uploads in the process share {@link #BUDGET}: with one upload it may
 * run {@link #MAX_HASH_LAG} ahead, with sixteen 1 MiB each, never less than
 * {@link #MIN_ALLOWANCE}. Without the shared bound, 16 uploads of 8 MiB each filled a 128 MiB
 * heap and the server exited on {@code OutOfMemoryError}.
 *
 * <p>Each arriving buffer is copied into the upload's current {@link Slab}, so that Vert.x's
 * buffer dies young ({@link Slabs} tells why); a full slab is handed to the digests and the
 * writer at once, the last part by {@link #finish()}. A writer must not keep a buffer after the
 * future of its write completes ({@link BlobWriter}).
 */
final class HashingWriteStream implements WriteStream<Buffer> {

  /** Bytes a digest or the writer may lag behind the socket, for an upload on its own. */
  static final long MAX_HASH_LAG = 8L * 1024 * 1024;
  /** Bytes all uploads of the process may hold between the socket and the disk. */
  static final long BUDGET = 16L * 1024 * 1024;
  /** The least an upload may hold, however many run (enough to keep the pipeline busy). */
  static final long MIN_ALLOWANCE = 128L * 1024;

  private static final java.util.concurrent.atomic.AtomicInteger ACTIVE =
      new java.util.concurrent.atomic.AtomicInteger();
  private boolean active = true;
  /** The slab being filled; null before the first byte and after {@link #release()}. */
  private Slab slab;

  private final Slabs slabs;
  private final BlobWriter writer;
  private final PipelinedDigest digest;
  private final long maxBytes;
  private long received;
  private Handler<Void> drainHandler;

  HashingWriteStream(BlobWriter writer, Context context, long maxBytes) {
    this(writer, context, maxBytes, Slabs.SHARED);
  }

  /** With its own pool of slabs (for tests). */
  HashingWriteStream(BlobWriter writer, Context context, long maxBytes, Slabs slabs) {
    this.slabs = slabs;
    this.writer = writer;
    this.digest = new PipelinedDigest(context);
    this.maxBytes = maxBytes;
    ACTIVE.incrementAndGet();
  }

  /** Bytes this upload may hold now: its share of {@link #BUDGET}, between the bounds. */
  static long allowance() {
    return Math.max(MIN_ALLOWANCE, Math.min(MAX_HASH_LAG, BUDGET / Math.max(1, ACTIVE.get())));
  }

  /** The uploads holding a share of the budget (for tests). */
  static int active() {
    return ACTIVE.get();
  }

  /** Gives the upload's share back; called once its bytes are all hashed and written. */
  void release() {
    if (active) {
      active = false;
      ACTIVE.decrementAndGet();
      if (slab != null) {
        slab.release();
        slab = null;
      }
    }
  }

  /** Bytes accepted so far (some may still wait in the slab for the digests). */
  long received() {
    return received;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (maxBytes > 0 && received + data.length() > maxBytes) {
      return Future.failedFuture(new ApiException(ErrorCode.FILE_TOO_LARGE,
          "the file is larger than the limit of " + maxBytes + " bytes"));
    }
    if (!active) {
      return Future.failedFuture(new IllegalStateException("the upload has ended"));
    }
    received += data.length();
    writer.setWriteQueueMaxSize((int) allowance());
    Future<Void> written = Future.succeededFuture();
    for (int from = 0; from < data.length(); ) {
      if (slab == null && (slab = slabs.take()) == null) {
        // Every slab is out: pass the rest on as Vert.x gave it.
        Buffer rest = from == 0 ? data : data.slice(from, data.length());
        digest.update(rest);
        return both(written, writer.write(rest));
      }
      int length = Math.min(data.length() - from, slab.free());
      slab.copy(data, from, length);
      from += length;
      if (slab.free() == 0) {
        written = both(written, handOn());
        slab.release();
        slab = null;
      }
    }
    return written;
  }

  /**
   * Hands on what the slab holds, then completes with both digests of everything written;
   * fails when the writer failed to take the last bytes.
   */
  Future<Digests> finish() {
    Future<Void> last = Future.succeededFuture();
    if (slab != null) {
      if (slab.unhanded() > 0) {
        last = handOn();
      }
      slab.release();
      slab = null;
    }
    return last.compose(v -> digest.finish());
  }

  /** Hands the slab's new bytes to both digests (as one reader) and the writer (another). */
  private Future<Void> handOn() {
    Slab from = slab;
    Buffer view = from.hand(2);
    digest.update(view, from::release);
    return writer.write(view).andThen(ar -> from.release());
  }

  private static Future<Void> both(Future<Void> a, Future<Void> b) {
    return a.succeeded() ? b : Future.all(a, b).mapEmpty();
  }

  @Override
  public Future<Void> end() {
    // The writer is finished by commit or cancel, never by end.
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    writer.exceptionHandler(handler);
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    writer.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return writer.writeQueueFull() || digest.pendingBytes() >= allowance();
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    writer.drainHandler(handler == null ? null : v -> checkDrained());
    if (handler != null) {
      digest.whenPendingBelow(allowance(), this::checkDrained);
    }
    return this;
  }

  private void checkDrained() {
    Handler<Void> h = drainHandler;
    if (h == null) {
      return;
    }
    if (!writeQueueFull()) {
      drainHandler = null;
      h.handle(null);
    } else if (digest.pendingBytes() >= allowance()) {
      digest.whenPendingBelow(allowance(), this::checkDrained);
    }
  }
}
