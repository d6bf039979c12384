package io.artifactstore.storage.local;

import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.StorageException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Streams one upload into a temporary file under {@code <root>/_uploads/} and moves it to its
 * content address on commit.
 *
 * <p>Back-pressure is the {@link SequentialFile}'s own: the write queue and drain handler are passed
 * through, so a pipe from a slow disk slows the sender down instead of buffering in memory.
 * State changes happen on the caller's context; the fsync and rename work runs on a worker.
 */
final class LocalBlobWriter implements BlobWriter {

  private enum State { OPEN, COMMITTING, COMMITTED, CANCELLED, FAILED }

  private final Vertx vertx;
  private final LocalBackend backend;
  private final SequentialFile file;
  private final Path temp;
  private State state = State.OPEN;
  private long bytesWritten;
  private Throwable writeFailure;
  private Future<Void> cancelled;

  LocalBlobWriter(Vertx vertx, LocalBackend backend, SequentialFile file, Path temp) {
    this.vertx = vertx;
    this.backend = backend;
    this.file = file;
    this.temp = temp;
  }

  Path tempFile() {
    return temp;
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
    if (writeFailure != null) {
      return Future.failedFuture(writeFailure);
    }
    bytesWritten += data.length();
    // Record the first failure so that a commit that follows cannot publish a truncated file.
    return file.write(data).onFailure(this::recordFailure).recover(t -> Future.failedFuture(
        StorageException.of(t, StorageException.Kind.IO, "upload write failed")));
  }

  @Override
  public Future<Void> end() {
    // Finishing is commit or cancel; end only pushes what is queued towards the disk.
    return state == State.OPEN ? file.flush() : Future.failedFuture(notOpen("end"));
  }

  @Override
  public BlobWriter exceptionHandler(Handler<Throwable> handler) {
    file.exceptionHandler(handler == null ? null : t -> {
      recordFailure(t);
      handler.handle(t);
    });
    return this;
  }

  @Override
  public BlobWriter setWriteQueueMaxSize(int maxSize) {
    file.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return file.writeQueueFull();
  }

  @Override
  public BlobWriter drainHandler(Handler<Void> handler) {
    file.drainHandler(handler);
    return this;
  }

  @Override
  public Future<CommitResult> commit(BlobKey key) {
    if (state != State.OPEN) {
      return Future.failedFuture(notOpen("commit"));
    }
    Path target;
    try {
      target = backend.objectPath(key);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    state = State.COMMITTING;
    long size = bytesWritten;
    // close() waits for queued writes, so any write failure is known once it completes.
    return file.close()
        .compose(v -> writeFailure == null ? Future.succeededFuture() : Future.failedFuture(
            StorageException.of(writeFailure, StorageException.Kind.IO, "upload write failed")))
        .compose(v -> vertx.executeBlocking(() -> publish(key, target), false))
        .map(deduplicated -> new CommitResult(key, size, deduplicated))
        .onSuccess(r -> state = State.COMMITTED)
        .recover(t -> {
          state = State.FAILED;
          return discardTemp().transform(ignored -> Future.failedFuture(asStorageFailure(t)));
        });
  }

  /** Blocking: makes the temp file durable and moves it into place; true when already stored. */
  private boolean publish(BlobKey key, Path target) throws IOException {
    synchronized (backend.commitLock(key)) {
      // The lock makes the existence check and the rename one step for this process, so
      // that exactly one of two identical concurrent uploads reports itself as the original.
      if (Files.isRegularFile(target)) {
        Files.deleteIfExists(temp);
        return true;
      }
      Fsync.file(temp);
      Fsync.createDirectories(target.getParent());
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      Fsync.directory(target.getParent());
      return false;
    }
  }

  @Override
  public Future<Void> cancel() {
    switch (state) {
      case COMMITTED:
        // Nothing temporary is left, and the committed object is not this writer's to remove.
        return Future.succeededFuture();
      case COMMITTING:
        return Future.failedFuture(notOpen("cancel"));
      case CANCELLED:
        return cancelled;
      default:
        state = State.CANCELLED;
        cancelled = discardTemp();
        return cancelled;
    }
  }

  /** Closes (if still open) and deletes the temp file; never fails, the next start sweeps up. */
  private Future<Void> discardTemp() {
    return file.close()
        .transform(ignored -> vertx.executeBlocking(() -> Files.deleteIfExists(temp), false))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private void recordFailure(Throwable t) {
    if (writeFailure == null) {
      writeFailure = t;
    }
  }

  private StorageException notOpen(String operation) {
    return new StorageException(StorageException.Kind.INVALID_STATE,
        "cannot " + operation + " an upload that is " + state.name().toLowerCase());
  }

  private static StorageException asStorageFailure(Throwable t) {
    return StorageException.of(t, StorageException.Kind.IO, "commit failed");
  }
}
