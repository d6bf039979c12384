package io.artifactstore.retention;

import io.artifactstore.audit.AuditLog;
import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.bus.CacheInvalidation;
import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.events.EventLog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The control plane's retention and audit verticle: retention, holds, deletion, the sweeper,
 * space reclamation (bytes are removed by the data plane, asked over the event bus with a
 * reference), upload leases, and the audit feeds and chain check.
 */
public final class RetentionVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(RetentionVerticle.class.getName());
  private static final int RECLAIM_BATCH = 500;
  private static final int SWEEP_LIMIT = 1000;

  private final AppConfig config;
  private final Clock clock;
  private final Database db;
  private RetentionService retention;
  private Reclaimer reclaimer;
  private boolean sweeping;

  /** {@code db} is shared by the control-plane verticles and closed by their owner. */
  public RetentionVerticle(AppConfig config, Clock clock, Database db) {
    this.config = config;
    this.clock = clock;
    this.db = db;
  }

  @Override
  public Future<?> start() {
    EventLog log = new EventLog(db, clock);
    retention = new RetentionService(log, config);
    reclaimer = new Reclaimer(log);
    AuditLog audit = new AuditLog(log);
    if (config.retention().sweeper().enabled()) {
      long every = config.retention().sweeper().interval().toMillis();
      vertx.setPeriodic(every, every, t -> sweep(config.retention().sweeper().dryRun())
          .onFailure(e -> LOG.log(Level.WARNING, "sweep failed", e)));
    }
    return Future.all(List.of(
        serve(Addresses.RETENTION_STATUS, m -> retention.status(m.getString("id")))
            .completion(),
        serve(Addresses.RETENTION_EXTEND,
            m -> retention.extend(m.getString("id"), m)
                .compose(r -> changed(m).map(r))).completion(),
        serve(Addresses.HOLD_PLACE, m -> retention.placeHold(m.getString("id"), m))
            .completion(),
        serve(Addresses.HOLD_RELEASE,
            m -> retention.releaseHold(m.getString("id"), m.getString("hold_id"), m)).completion(),
        serve(Addresses.RETENTION_ELIGIBLE,
            m -> retention.eligibleReport(m.getInteger("limit", SWEEP_LIMIT))).completion(),
        serve(Addresses.PACKAGE_DELETE, this::delete).completion(),
        serve(Addresses.RETENTION_SWEEP, m -> sweep(m.getBoolean("dry_run", true)))
            .completion(),
        serve(Addresses.BLOB_RESERVE, m -> reclaimer.reserve(m.getString("sha256")))
            .completion(),
        serve(Addresses.BLOB_RELEASE,
            m -> reclaimer.release(m.getString("lease_id")).map(new JsonObject())).completion(),
        serve(Addresses.AUDIT_FEED,
            m -> audit.feed(m.getLong("after", 0L), m.getInteger("limit", 100))).completion(),
        serve(Addresses.AUDIT_PACKAGE_EVENTS, m -> audit.packageEvents(
            m.getString("id"), m.getLong("after", 0L), m.getInteger("limit", 100))).completion(),
        serve(Addresses.AUDIT_VERIFY, m -> audit.verify()).completion()));
  }

  private Future<JsonObject> delete(JsonObject req) {
    return retention.delete(req.getString("id"), req).compose(tombstone -> changed(req)
        .onSuccess(v -> reclaim().onFailure(e ->
            LOG.log(Level.WARNING, "reclamation after a delete failed", e)))
        .map(tombstone));
  }

  /**
   * One sweep: abandoned uploads marked failed, eligible packages deleted, unreferenced bytes
   * reclaimed. A dry run changes nothing and reports what a sweep would delete. With several
   * servers on one PostgreSQL only one sweeps at a time.
   */
  Future<JsonObject> sweep(boolean dryRun) {
    if (sweeping) {
      return Future.succeededFuture(new JsonObject().put("skipped", "a sweep is running"));
    }
    sweeping = true;
    return db.withExclusiveLock(Database.SWEEPER_LOCK, () -> dryRun
            ? retention.eligibleReport(SWEEP_LIMIT).map(r -> r.put("dry_run", true))
            : runSweep())
        .map(r -> r == null ? new JsonObject().put("skipped", "another server is sweeping") : r)
        .eventually(() -> {
          sweeping = false;
          return Future.succeededFuture();
        });
  }

  private Future<JsonObject> runSweep() {
    JsonObject report = new JsonObject().put("dry_run", false);
    return retention.failAbandoned()
        .compose(failed -> {
          report.put("failed_abandoned", failed);
          return invalidate(new CacheInvalidation(
              failed.stream().map(String::valueOf).toList(), List.of()))
              .compose(v -> retention.eligibleReport(SWEEP_LIMIT));
        })
        .compose(eligible -> {
          report.put("kept", eligible.getJsonArray("kept"));
          JsonArray deleted = new JsonArray();
          report.put("deleted", deleted);
          Future<?> chain = Future.succeededFuture();
          JsonArray candidates = eligible.getJsonArray("eligible");
          for (int i = 0; i < candidates.size(); i++) {
            String id = candidates.getJsonObject(i).getString("package_id");
            JsonObject req = new JsonObject().put("id", id).put("actor", "system:sweeper")
                .put("reason", "retention expired");
            chain = chain.compose(v -> retention.delete(id, req)
                .onSuccess(t -> deleted.add(id))
                .otherwise(e -> {
                  LOG.log(Level.INFO, "sweep kept " + id + ": " + e.getMessage());
                  return null;
                }));
          }
          // One invalidation for all the packages deleted, before their bytes may go.
          return chain.compose(v -> invalidate(new CacheInvalidation(
              deleted.stream().map(String::valueOf).toList(), List.of())));
        })
        .compose(v -> reclaim())
        .map(reclaimed -> report.put("reclaimed", reclaimed));
  }

  /** Reclaims unreferenced blobs: {@code {blobs, bytes}}. */
  Future<JsonObject> reclaim() {
    return reclaimer.start(RECLAIM_BATCH).compose(blobs -> {
      // Marked reclaiming: no longer served by the registry; every server's cache drops them
      // before the bytes go.
      List<String> digests = new java.util.ArrayList<>();
      for (int i = 0; i < blobs.size(); i++) {
        digests.add(blobs.getJsonObject(i).getString("sha256"));
      }
      return invalidate(CacheInvalidation.ofBlobs(digests)).map(blobs);
    }).compose(blobs -> {
      JsonObject totals = new JsonObject().put("blobs", 0).put("bytes", 0L);
      Future<?> chain = Future.succeededFuture();
      for (int i = 0; i < blobs.size(); i++) {
        JsonObject blob = blobs.getJsonObject(i);
        chain = chain.compose(v -> removeBytes(blob.getJsonArray("locations"), 0)
            .compose(x -> reclaimer.finish(blob.getString("sha256")))
            .onSuccess(x -> totals.put("blobs", totals.getInteger("blobs") + 1)
                .put("bytes", totals.getLong("bytes") + blob.getLong("size")))
            .otherwise(e -> {
              LOG.log(Level.WARNING, "cannot reclaim sha256:" + blob.getString("sha256")
                  + " now; the next sweep retries", e);
              return null;
            }));
      }
      return chain.map(totals);
    });
  }

  private Future<Void> removeBytes(JsonArray locations, int i) {
    if (i == locations.size()) {
      return Future.succeededFuture();
    }
    return Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_DELETE, locations.getJsonObject(i))
        .compose(r -> removeBytes(locations, i + 1));
  }

  private Future<Void> changed(JsonObject req) {
    return invalidate(CacheInvalidation.ofPackage(req.getString("id")));
  }

  /**
   * Has every server drop what it caches of {@code change}; completes when they did (or were
   * waited for long enough), never fails. Nothing to do for an empty change.
   */
  private Future<Void> invalidate(CacheInvalidation change) {
    if (change.isEmpty()) {
      return Future.succeededFuture();
    }
    return Bus.request(vertx, Addresses.CACHE_INVALIDATE, change.toJson())
        .<Void>mapEmpty().otherwiseEmpty();
  }

  /** Serves {@code address}; database outages become {@code database_unavailable}. */
  private MessageConsumer<JsonObject> serve(String address,
      Function<JsonObject, Future<?>> handler) {
    return Bus.serve(vertx, address, m -> db.availability().observe(handler.apply(m)));
  }
}
