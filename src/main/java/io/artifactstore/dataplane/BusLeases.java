package io.artifactstore.dataplane;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.hashing.Digests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Leases on content over the event bus ({@link Addresses#BLOB_RESERVE},
 * {@link Addresses#BLOB_RELEASE}). While the content is being reclaimed the reservation is
 * refused with {@code blob_busy}; it is retried every {@value #RETRY_MS} ms, up to
 * {@value #ATTEMPTS} times, so that once the old bytes are gone this upload's copy is
 * committed instead.
 */
final class BusLeases implements Ingest.Leases {

  static final int ATTEMPTS = 100;
  static final long RETRY_MS = 100;

  private final Vertx vertx;

  BusLeases(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<String> take(Digests digests) {
    return reserve(digests.sha256Hex(), ATTEMPTS);
  }

  @Override
  public void release(String leaseId) {
    Bus.request(vertx, Addresses.BLOB_RELEASE, new JsonObject().put("lease_id", leaseId));
  }

  private Future<String> reserve(String sha256, int attempts) {
    return Bus.<JsonObject>request(vertx, Addresses.BLOB_RESERVE,
            new JsonObject().put("sha256", sha256))
        .map(r -> r.getString("lease_id"))
        .recover(e -> {
          if (attempts > 1 && ApiException.from(e).code() == ErrorCode.BLOB_BUSY) {
            return vertx.timer(RETRY_MS).compose(t -> reserve(sha256, attempts - 1));
          }
          return Future.failedFuture(e);
        });
  }
}
