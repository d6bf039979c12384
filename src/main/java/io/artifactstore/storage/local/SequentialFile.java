package io.artifactstore.storage.local;

import io.artifactstore.concurrent.NamedDaemonThreads;
import io.artifactstore.concurrent.SerialExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A new file written front to back, asynchronously, by one thread at a time.
 *
 * <p>Vert.x's {@code AsyncFile} hands every buffer to the worker pool as a positional write, so
 * the writes of one upload run on several threads at once and contend for the file's lock in
 * the kernel; measured here, that spinning cost more CPU than the copying. Here each file has a
 * serial lane on a small I/O pool: writes of one file are sequential, files proceed in parallel,
 * and the lane writes with direct I/O where the filesystem allows ({@link DirectFileSink}).
 * Results and handlers run on the creating context. The write queue is bounded in bytes.
 */
final class SequentialFile {

  static final int DEFAULT_MAX_QUEUE_BYTES = 4 * 1024 * 1024;

  private static final ExecutorService IO = Executors.newFixedThreadPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()),
      new NamedDaemonThreads("artifactstore-io"));

  private final Context context;
  private final DirectFileSink channel;
  private final SerialExecutor lane = new SerialExecutor(IO);
  private long queued;
  private int maxQueue = DEFAULT_MAX_QUEUE_BYTES;
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;
  private boolean failureReported;
  private Future<Void> closed;
  /** Written by the lane, read by the lane: the first write failure stops later writes. */
  private IOException laneFailure;

  private SequentialFile(Context context, DirectFileSink channel) {
    this.context = context;
    this.channel = channel;
  }

  /** Creates {@code path}, which must not exist, for writing. */
  static Future<SequentialFile> create(Vertx vertx, Path path) {
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> DirectFileSink.create(path), false)
        .map(ch -> new SequentialFile(context, ch));
  }

  Future<Void> write(Buffer data) {
    if (closed != null) {
      return Future.failedFuture(new IOException("file is closed"));
    }
    int length = data.length();
    ByteBuffer bytes = ((BufferInternal) data).getByteBuf().nioBuffer();
    Promise<Void> promise = Promise.promise();
    queued += length;
    lane.execute(() -> {
      if (laneFailure == null) {
        try {
          channel.write(bytes);
        } catch (IOException e) {
          laneFailure = e;
        }
      }
      IOException failure = laneFailure;
      context.runOnContext(v -> written(length, failure, promise));
    });
    return promise.future();
  }

  private void written(int length, IOException failure, Promise<Void> promise) {
    queued -= length;
    if (failure != null) {
      promise.fail(failure);
      Handler<Throwable> h = exceptionHandler;
      if (h != null && !failureReported) {
        failureReported = true;
        h.handle(failure);
      }
      return;
    }
    promise.complete();
    Handler<Void> drain = drainHandler;
    if (drain != null && queued <= maxQueue / 2) {
      drainHandler = null;
      drain.handle(null);
    }
  }

  /** Completes once every write queued so far has reached the kernel. */
  Future<Void> flush() {
    Promise<Void> promise = Promise.promise();
    lane.execute(() -> context.runOnContext(v -> promise.complete()));
    return promise.future();
  }

  /** Waits for queued writes, then closes; idempotent. Fails if a write failed. */
  Future<Void> close() {
    if (closed == null) {
      Promise<Void> promise = Promise.promise();
      lane.execute(() -> {
        IOException failure = laneFailure;
        try {
          channel.close();
        } catch (IOException e) {
          failure = failure == null ? e : failure;
        }
        IOException result = failure;
        context.runOnContext(v -> {
          if (result == null) {
            promise.complete();
          } else {
            promise.fail(result);
          }
        });
      });
      closed = promise.future();
    }
    return closed;
  }

  boolean writeQueueFull() {
    return queued >= maxQueue;
  }

  void setWriteQueueMaxSize(int maxSize) {
    this.maxQueue = maxSize;
  }

  void drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
  }

  void exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
  }
}
