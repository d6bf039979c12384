package io.artifactstore.storage.s3;

import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.StorageException;
import io.artifactstore.storage.StorageException.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Streams one upload into S3 with memory bounded by a few parts, whatever the object's size.
 *
 * <p>Bytes are copied into the part being filled. A full part is uploaded at once when fewer than
 * {@code max_inflight_parts} are in flight; otherwise it waits and the write queue reports full,
 * so a pipe pauses its source until a part completes. A well-behaved producer therefore makes the
 * writer hold at most {@code max_inflight_parts + 1} parts plus the one write that filled the
 * last of them ({@link #peakBufferedBytes()} measures it). Bytes written while full regardless
 * are kept (a copy: the caller may reuse its buffer, {@link BlobWriter}) until a part slot frees
 * up.
 *
 * <p>An upload that never fills one part is sent as a single PutObject straight to its content
 * address at commit. A larger one is a multipart upload to its data key
 * {@code <prefix>objects/<uuid>}, which commit completes in place and then names from its content
 * address with a pointer (an empty object with the data key in its metadata), unless the content
 * address already exists, in which case the new data object is deleted. The bytes are never
 * copied. Cancel and every failure abort the multipart upload or delete the completed data
 * object, so nothing stays behind. Every method runs on the writer's context.
 */
final class S3BlobWriter implements BlobWriter {

  private enum State { OPEN, COMMITTING, COMMITTED, CANCELLED, FAILED }

  private static final int INITIAL_CAPACITY = 256 * 1024;

  private final S3Backend backend;
  private final Context context;
  private final int partSize;
  private final int maxInflight;
  /** The data key relative to the prefix, as a pointer names it. */
  private final String dataKey;
  /** The object key the multipart upload goes to. */
  private final String dataObjectKey;

  private State state = State.OPEN;
  private long bytesWritten;
  private byte[] current;
  private int filled;
  private final ArrayDeque<Buffer> overflow = new ArrayDeque<>();
  /** Whole-part arrays whose upload finished, reused so that a large upload allocates a few. */
  private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
  private long overflowBytes;
  private int inflight;
  private long inflightBytes;
  private long peakBufferedBytes;
  private int partArrays;
  private int nextPartNumber = 1;
  private final List<CompletedPart> parts = new ArrayList<>();
  private Future<String> uploadId;
  private boolean flushing;
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private Throwable failure;
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;
  private Future<Void> cleanup;

  S3BlobWriter(S3Backend backend, Context context) {
    this.backend = backend;
    this.context = context;
    this.partSize = backend.options().partSizeBytes();
    this.maxInflight = backend.options().maxInflightParts();
    this.dataKey = S3Backend.newDataKey();
    this.dataObjectKey = backend.dataObjectKey(dataKey);
    this.current = new byte[Math.min(INITIAL_CAPACITY, partSize)];
  }

  /** The object key a multipart upload of this writer goes to. */
  String dataObjectKey() {
    return dataObjectKey;
  }

  /** The most bytes this writer has held in memory at once: parts filling, waiting, in flight. */
  long peakBufferedBytes() {
    return peakBufferedBytes;
  }

  /**
   * Whole-part arrays allocated so far (the first, growing one aside). Completed parts' arrays
   * are reused, so this stays at most {@code max_inflight_parts + 1} however large the object.
   */
  int partArraysAllocated() {
    return partArrays;
  }

  @Override
  public long bytesWritten() {
    return bytesWritten;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (state != State.OPEN) {
      return Future.failedFuture(notOpen("write"));
    }
    if (failure != null) {
      return Future.failedFuture(asStorageFailure(failure));
    }
    bytesWritten += data.length();
    if (overflowBytes > 0) {
      queueOverflow(data, 0);
    } else {
      absorb(data, 0);
    }
    trackPeak();
    return Future.succeededFuture();
  }

  /** Copies {@code data} from {@code from} into parts, cutting and sending full ones. */
  private void absorb(Buffer data, int from) {
    int pos = from;
    while (pos < data.length()) {
      if (filled == partSize) {
        if (!canSend()) {
          queueOverflow(data, pos);
          return;
        }
        sendCurrent();
      }
      int n = Math.min(data.length() - pos, partSize - filled);
      ensureCapacity(filled + n);
      data.getBytes(pos, pos + n, current, filled);
      filled += n;
      pos += n;
    }
    if (filled == partSize && canSend()) {
      sendCurrent();
    }
  }

  private void queueOverflow(Buffer data, int from) {
    // A copy: the caller may reuse data's bytes once write's future completes (BlobWriter).
    Buffer rest = data.getBuffer(from, data.length());
    overflow.add(rest);
    overflowBytes += rest.length();
  }

  private boolean canSend() {
    return flushing || inflight < maxInflight;
  }

  private void ensureCapacity(int needed) {
    if (needed > current.length) {
      byte[] bigger = new byte[Math.min(partSize, Math.max(needed, current.length * 2))];
      System.arraycopy(current, 0, bigger, 0, filled);
      current = bigger;
    }
  }

  /** Uploads the part being filled (starting the multipart upload with the first) and starts a new one. */
  private void sendCurrent() {
    byte[] bytes = current;
    int length = filled;
    int partNumber = nextPartNumber++;
    // Past the first part the object is known to be large: whole parts from now on.
    if (spare.isEmpty()) {
      current = new byte[partSize];
      partArrays++;
    } else {
      current = spare.poll();
    }
    filled = 0;
    inflight++;
    inflightBytes += length;
    trackPeak();
    if (uploadId == null) {
      uploadId = backend.call("start upload " + dataObjectKey, () -> backend.client()
          .createMultipartUpload(b -> b.bucket(backend.options().bucket()).key(dataObjectKey)))
          .map(r -> r.uploadId());
    }
    uploadId.compose(id -> backend.call("upload part " + partNumber + " of " + dataObjectKey,
            () -> backend.client().uploadPart(b -> b.bucket(backend.options().bucket())
                    .key(dataObjectKey).uploadId(id).partNumber(partNumber).contentLength((long) length),
                AsyncRequestBody.fromByteBufferUnsafe(ByteBuffer.wrap(bytes, 0, length)))))
        .onComplete(ar -> {
          boolean wasFull = writeQueueFull();
          inflight--;
          inflightBytes -= length;
          if (bytes.length == partSize && state == State.OPEN) {
            spare.add(bytes);
          }
          if (ar.succeeded()) {
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(ar.result().eTag())
                .build());
          } else {
            recordFailure(ar.cause());
          }
          partSettled(wasFull);
        });
  }

  private void partSettled(boolean wasFull) {
    if (state == State.OPEN && failure == null) {
      pump();
    }
    if (inflight == 0) {
      List<Promise<Void>> waiting = new ArrayList<>(idleWaiters);
      idleWaiters.clear();
      waiting.forEach(Promise::complete);
    }
    Handler<Void> drain = drainHandler;
    if (wasFull && !writeQueueFull() && drain != null && state == State.OPEN) {
      drain.handle(null);
    }
  }

  /** Moves waiting bytes into parts while part slots are free. */
  private void pump() {
    if (filled == partSize && canSend()) {
      sendCurrent();
    }
    while (!overflow.isEmpty() && filled < partSize) {
      Buffer next = overflow.poll();
      overflowBytes -= next.length();
      absorb(next, 0);
    }
  }

  private void trackPeak() {
    peakBufferedBytes = Math.max(peakBufferedBytes, inflightBytes + filled + overflowBytes);
  }

  private Future<Void> idle() {
    if (inflight == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    idleWaiters.add(promise);
    return promise.future();
  }

  @Override
  public Future<Void> end() {
    // Finishing is commit or cancel; bytes are already on their way.
    return state == State.OPEN ? Future.succeededFuture() : Future.failedFuture(notOpen("end"));
  }

  @Override
  public BlobWriter exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  /** Ignored: the queue is measured in parts, set by {@code part_size_bytes} and {@code max_inflight_parts}. */
  @Override
  public BlobWriter setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return overflowBytes > 0 || filled == partSize && inflight >= maxInflight;
  }

  @Override
  public BlobWriter drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  @Override
  public Future<CommitResult> commit(BlobKey key) {
    if (state != State.OPEN) {
      return Future.failedFuture(notOpen("commit"));
    }
    state = State.COMMITTING;
    long size = bytesWritten;
    Future<Boolean> published;
    if (uploadId == null && overflowBytes == 0 && filled < partSize) {
      published = putSmall(key);
    } else {
      published = completeMultipart().compose(v -> publishPointer(key, size));
    }
    return published
        .map(deduplicated -> new CommitResult(key, size, deduplicated))
        .onSuccess(r -> state = State.COMMITTED)
        .recover(t -> {
          state = State.FAILED;
          return discard().transform(ignored -> Future.failedFuture(asStorageFailure(t)));
        });
  }

  /** The whole object is in memory: one PutObject under its address, unless already there. */
  private Future<Boolean> putSmall(BlobKey key) {
    byte[] bytes = current;
    int length = filled;
    String target = backend.objectKey(key);
    return backend.withKeyLock(key, () -> backend.exists(key).compose(existing ->
        existing
            ? Future.succeededFuture(true)
            : backend.call("put " + key, () -> backend.client().putObject(
                    b -> b.bucket(backend.options().bucket()).key(target)
                        .contentLength((long) length),
                    AsyncRequestBody.fromByteBufferUnsafe(ByteBuffer.wrap(bytes, 0, length))))
                .map(false)));
  }

  /** Sends whatever is buffered, waits for every part, then completes the upload. */
  private Future<Void> completeMultipart() {
    flushing = true;
    pump();
    if (filled > 0) {
      sendCurrent();
    }
    return idle().compose(v -> {
      if (failure != null) {
        return Future.failedFuture(failure);
      }
      List<CompletedPart> sorted = new ArrayList<>(parts);
      sorted.sort(Comparator.comparing(CompletedPart::partNumber));
      return uploadId.compose(id -> backend.call("complete upload " + dataObjectKey,
          () -> backend.client().completeMultipartUpload(b -> b.bucket(backend.options().bucket())
              .key(dataObjectKey).uploadId(id).multipartUpload(m -> m.parts(sorted)))))
          .onSuccess(r -> uploadId = null)
          .mapEmpty();
    });
  }

  /**
   * Under the key's lock: point the content address at the data object unless the address
   * exists; if it does, the new data object is deleted and the commit is a duplicate.
   */
  private Future<Boolean> publishPointer(BlobKey key, long size) {
    String target = backend.objectKey(key);
    return backend.withKeyLock(key, () -> backend.exists(key).compose(existing ->
            existing
                ? Future.succeededFuture(true)
                : backend.call("put pointer " + key, () -> backend.client().putObject(
                        b -> b.bucket(backend.options().bucket()).key(target).contentLength(0L)
                            .metadata(S3Backend.pointerMetadata(dataKey, size)),
                        AsyncRequestBody.empty()))
                    .map(false)))
        .compose(deduplicated -> deduplicated
            ? backend.deleteObject(dataObjectKey).map(true)
            : Future.succeededFuture(false));
  }

  @Override
  public Future<Void> cancel() {
    switch (state) {
      case COMMITTED:
        return Future.succeededFuture();
      case COMMITTING:
        return Future.failedFuture(notOpen("cancel"));
      case CANCELLED:
      case FAILED:
        return discard();
      default:
        state = State.CANCELLED;
        return discard();
    }
  }

  /**
   * Drops buffered bytes, waits for parts in flight, then aborts the multipart upload (or, once
   * completed, deletes the data object). Runs once; never fails.
   */
  private Future<Void> discard() {
    if (cleanup == null) {
      overflow.clear();
      overflowBytes = 0;
      spare.clear();
      current = new byte[0];
      filled = 0;
      Future<String> started = uploadId;
      boolean completed = started == null && nextPartNumber > 1;
      cleanup = idle().compose(v -> {
        if (started != null) {
          return started.compose(id -> backend.call("abort upload " + dataObjectKey,
              () -> backend.client().abortMultipartUpload(b -> b.bucket(backend.options().bucket())
                  .key(dataObjectKey).uploadId(id)))).<Void>mapEmpty();
        }
        return completed ? backend.deleteObject(dataObjectKey) : Future.<Void>succeededFuture();
      }).<Void>mapEmpty().otherwiseEmpty();
    }
    return cleanup;
  }

  private void recordFailure(Throwable t) {
    if (failure == null) {
      failure = t;
      Handler<Throwable> h = exceptionHandler;
      if (h != null && state == State.OPEN) {
        h.handle(asStorageFailure(t));
      }
    }
  }

  private StorageException notOpen(String operation) {
    return new StorageException(Kind.INVALID_STATE,
        "cannot " + operation + " an upload that is " + state.name().toLowerCase());
  }

  private static StorageException asStorageFailure(Throwable t) {
    return t instanceof StorageException se
        ? se
        : new StorageException(Kind.IO, "upload failed: " + t.getMessage(), t);
  }
}
