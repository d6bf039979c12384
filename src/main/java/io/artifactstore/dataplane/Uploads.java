package io.artifactstore.dataplane;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.config.AppConfig;
import io.artifactstore.error.ApiException;
import io.artifactstore.metrics.Metrics;
import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The one way bytes come into the store, whatever carries them (an HTTP request body, a stream
 * handed over in-process, a local file a co-deployed service names). For each upload, in order:
 * a slot among {@code http.max_concurrent_uploads}; the control plane's check of the package
 * and path ({@link Addresses#FILE_PREPARE}), before any byte is read; the backend of the
 * package's retention class; one pass through SHA-256 and BLAKE3 into that backend
 * ({@link Ingest}); the digest check against the client's; a lease on the content; the commit
 * to the backend and then to the registry ({@link Addresses#FILE_COMMIT}). Any failure on the
 * way cancels the backend's writer and leaves nothing: no object, no row, no event.
 *
 * <p>Safe to use from any event-loop context: the stream is read on the caller's context.
 */
public final class Uploads {

  /**
   * Where an upload goes and what the client claims about it.
   *
   * @param packageId the package (open, not finalized)
   * @param path the logical path, already validated ({@code registry.LogicalPath})
   * @param replace whether an existing file at the path may be replaced
   * @param mediaType the content's media type as sent, or null
   * @param expectedSha256 the SHA-256 the client sent (32 bytes), or null
   * @param actor the authenticated caller recorded in the event
   * @param claimedActor who the caller says acts (for example a CI job), or null
   */
  public record Target(String packageId, String path, boolean replace, String mediaType,
      byte[] expectedSha256, String actor, String claimedActor) {

    JsonObject reference() {
      return new JsonObject().put("package", packageId).put("path", path)
          .put("replace", replace);
    }
  }

  private final Vertx vertx;
  private final AppConfig config;
  private final StorageBackends backends;
  private final Ingest ingest;
  private final Metrics metrics;
  private final UploadSlots slots;
  private final Ingest.Leases leases;

  public Uploads(Vertx vertx, AppConfig config, StorageBackends backends, Metrics metrics,
      UploadSlots slots) {
    this.vertx = vertx;
    this.config = config;
    this.backends = backends;
    this.metrics = metrics;
    this.slots = slots;
    this.ingest = new Ingest(vertx, new Ingest.Limits(config.limits().maxFileBytes(),
        config.http().uploadIdleTimeout(), config.http().uploadRateWindow(),
        config.http().uploadMinBytesPerSecond()));
    this.leases = new BusLeases(vertx);
  }

  /**
   * Stores {@code body} (paused; it is resumed only once the control plane has accepted the
   * target) as the file {@code target} names, and answers the registry's record of the file:
   * {@code {package, path, size, sha256, blake3, media_type, added_at, ...}}.
   *
   * <p>{@code accepted} runs after the check and before the first byte is read (HTTP sends
   * {@code 100 Continue} there). {@code abandoned} completes when the sender goes away, or
   * fails with the reason it gave up (then the upload fails with that reason); the
   * upload then fails and leaves nothing, whatever stage it is at.
   *
   * <p>Failures are {@link ApiException}s with the HTTP API's codes ({@code too_many_uploads},
   * {@code package_not_found}, {@code package_finalized}, {@code file_exists},
   * {@code digest_mismatch}, {@code file_too_large}, {@code request_timeout}, ...), a storage
   * fault ({@link StorageFaults}), or {@link HttpClosedException} when the sender went away.
   */
  public Future<JsonObject> store(Target target, ReadStream<Buffer> body,
      Future<Void> abandoned, Runnable accepted) {
    try {
      slots.acquire();
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return Bus.<JsonObject>request(vertx, Addresses.FILE_PREPARE,
            target.reference().put("media_type", target.mediaType()))
        .compose(ok -> {
          accepted.run();
          StorageBackend backend = backends.get(
              config.storage().backendFor(ok.getString("retention_class")));
          return ingest.store(backend, body, target.expectedSha256(), leases, abandoned);
        })
        .onFailure(e -> metrics.upload(outcome(e), 0, false))
        .compose(stored -> {
          metrics.upload("stored", stored.digests().size(), stored.deduplicated());
          JsonObject ref = target.reference()
              .put("size", stored.digests().size())
              .put("sha256", stored.digests().sha256Hex())
              .put("blake3", stored.digests().blake3Hex())
              .put("head_sha256", stored.digests().headSha256Hex())
              .put("media_type", target.mediaType())
              .put("backend", stored.backend())
              .put("location", stored.key().relativePath())
              .put("lease_id", stored.leaseId())
              .put("actor", target.actor())
              .put("claimed_actor", target.claimedActor());
          return Bus.<JsonObject>request(vertx, Addresses.FILE_COMMIT, ref);
        })
        .onComplete(done -> slots.release());
  }

  /**
   * Stores the local file {@code file} (an absolute path under one of {@code importRoots}) as
   * {@link #store} stores a stream, and answers the same record. The file must stay as it is
   * while it is read: one that changes fails with {@code import_file_changed} and leaves
   * nothing. Fails with {@code import_path_refused} or {@code import_file_missing} before
   * anything is read (see {@link ImportRoots#open}). {@code abandoned} as for {@link #store}.
   */
  public Future<JsonObject> importFile(Target target, String file, List<Path> importRoots,
      Future<Void> abandoned) {
    return vertx.executeBlocking(() -> ImportRoots.open(file, importRoots), false)
        .compose(opened -> store(target, new ImportedFileStream(vertx, opened), abandoned,
                () -> { })
            .eventually(() -> vertx.executeBlocking(() -> {
              opened.close();
              return null;
            }, false)));
  }

  /**
   * Stores {@code body} (paused) as content only, in the backend of {@code retentionClass}, with
   * no package check and no registry record: an upload slot, one pass through SHA-256 and BLAKE3
   * ({@link Ingest}), and a lease on the content that the caller hands to the registry with its
   * record (which ends it). For a flow that records the content itself, such as an attestation.
   * {@code accepted} runs once the slot is taken, before the first byte is read.
   */
  Future<Ingest.Stored> storeContent(String retentionClass, ReadStream<Buffer> body,
      Future<Void> abandoned, Runnable accepted) {
    try {
      slots.acquire();
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    try {
      accepted.run();
    } catch (RuntimeException e) {
      slots.release();
      return Future.failedFuture(e);
    }
    StorageBackend backend;
    try {
      backend = backends.get(config.storage().backendFor(retentionClass));
    } catch (RuntimeException e) {
      slots.release();
      return Future.failedFuture(e);
    }
    return ingest.store(backend, body, null, leases, abandoned)
        .onSuccess(stored -> metrics.upload("stored", stored.digests().size(),
            stored.deduplicated()))
        .onFailure(e -> metrics.upload(outcome(e), 0, false))
        .onComplete(done -> slots.release());
  }

  private static String outcome(Throwable e) {
    if (StorageFaults.clientGone(e)) {
      return "aborted";
    }
    return ApiException.from(e).code().status() < 500 ? "rejected" : "failed";
  }
}
