package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.hashing.Digests;
import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.StorageBackend;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Streams one upload into a backend: one pass through SHA-256 and BLAKE3 straight into the
 * backend's writer, with back-pressure. The object becomes visible under its content address
 * only after the digests are known and equal every digest the client sent; on any failure
 * (bad digest, size limit, client gone, storage error) the writer is cancelled and nothing
 * remains.
 */
public final class Ingest {

  /**
   * What was stored: where, under which key, the digests of the bytes, and the lease that keeps
   * the content from being reclaimed until the caller has recorded it.
   */
  public record Stored(String backend, BlobKey key, Digests digests, boolean deduplicated,
      String leaseId) {}

  /**
   * Leases content between knowing its digests and recording it: the control plane must not
   * reclaim bytes that an upload is about to reference (possibly by deduplicating against them).
   */
  public interface Leases {
    /** Takes a lease on the content; completes with its id once reclamation cannot touch it. */
    Future<String> take(Digests digests);

    /** Ends a lease that will not be handed on (the commit failed). */
    void release(String leaseId);
  }

  /**
   * Bounds on one upload: its size (0: none), and the body timeouts of {@link BodyRate}.
   */
  public record Limits(long maxFileBytes, Duration idleTimeout, Duration rateWindow,
      long minBytesPerSecond) {}

  private final Vertx vertx;
  private final Limits limits;

  public Ingest(Vertx vertx, Limits limits) {
    this.vertx = vertx;
    this.limits = limits;
  }

  /**
   * Stores {@code source}, which must be paused. {@code expectedSha256} may be null; when set,
   * a different digest fails with {@code digest_mismatch} before anything is committed.
   * {@code abandoned} completes when the sender goes away (a client connection closed), or
   * fails with the reason the sender gave up (a deadline): a
   * stream that ends that way may never signal its end or a failure, so the store fails then
   * and leaves nothing, whatever stage it is at. A body that stalls or trickles below the
   * configured rate fails with {@code request_timeout} and leaves nothing either.
   */
  public Future<Stored> store(StorageBackend backend, ReadStream<Buffer> source,
      byte[] expectedSha256, Leases leases, Future<Void> abandoned) {
    if (abandoned.isComplete()) {
      return Future.failedFuture(abandoned.failed() ? abandoned.cause()
          : new io.vertx.core.http.HttpClosedException(
              "the client went away before its upload started"));
    }
    return backend.newWriter().compose(writer -> {
      HashingWriteStream sink =
          new HashingWriteStream(writer, Vertx.currentContext(), limits.maxFileBytes());
      try {
        return receive(backend, source, writer, sink, expectedSha256, leases, abandoned)
            .onComplete(done -> sink.release());
      } catch (RuntimeException e) {
        sink.release();
        return cancel(writer, e);
      }
    });
  }

  private Future<Stored> receive(StorageBackend backend, ReadStream<Buffer> source,
      BlobWriter writer, HashingWriteStream sink, byte[] expectedSha256, Leases leases,
      Future<Void> abandoned) {
    Promise<Void> received = Promise.promise();
    abandoned.onComplete(ar -> received.tryFail(ar.failed() ? ar.cause()
        : new io.vertx.core.http.HttpClosedException("the client went away during its upload")));
    BodyRate rate = new BodyRate(vertx, limits.idleTimeout(), limits.rateWindow(),
        limits.minBytesPerSecond(), sink::received, sink::writeQueueFull,
        received::tryFail);
    rate.start();
    received.future().onComplete(ar -> rate.stop());
    // Whichever comes first decides: the body's end, a failure, the client gone, a timeout.
    source.pipe().endOnComplete(false).endOnFailure(false).to(sink).onComplete(ar -> {
      if (ar.succeeded()) {
        received.tryComplete();
      } else {
        received.tryFail(ar.cause());
      }
    });
    return received.future()
        .compose(v -> sink.finish())
        .compose(digests -> {
          if (expectedSha256 != null && !Arrays.equals(expectedSha256, digests.sha256())) {
            throw new ApiException(ErrorCode.DIGEST_MISMATCH, "the content has sha256 "
                + digests.sha256Hex() + " but the client sent "
                + HexFormat.of().formatHex(expectedSha256) + "; nothing was stored");
          }
          return leases.take(digests).compose(lease ->
              writer.commit(BlobKey.sha256(digests.sha256Hex()))
                  .map(c -> new Stored(backend.id(), c.key(), digests, c.deduplicated(), lease))
                  .onFailure(e -> leases.release(lease)));
        })
        .recover(failure -> cancel(writer, failure));
  }

  private static Future<Stored> cancel(BlobWriter writer, Throwable failure) {
    return writer.cancel().transform(ignored -> Future.failedFuture(failure));
  }
}
