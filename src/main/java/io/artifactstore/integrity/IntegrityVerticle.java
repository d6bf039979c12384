package io.artifactstore.integrity;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.events.EventLog;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers {@code integrity.fsck} and reconciles on its own: once at startup and then every
 * {@code integrity.reconcile_interval}, it repairs what is older than the grace period (orphans
 * a crash left, stale temporary uploads, lost locations). With several servers on one
 * PostgreSQL, one at a time does (an advisory lock). Deployed after the data plane, whose
 * inventory it reads.
 */
public final class IntegrityVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(IntegrityVerticle.class.getName());

  private final AppConfig config;
  private final Clock clock;
  private final Database db;
  private Fsck fsck;
  private boolean running;

  /** {@code db} is shared by the control-plane verticles and closed by their owner. */
  public IntegrityVerticle(AppConfig config, Clock clock, Database db) {
    this.config = config;
    this.clock = clock;
    this.db = db;
  }

  @Override
  public Future<?> start() {
    fsck = new Fsck(vertx, new EventLog(db, clock));
    config.integrity().reconcileInterval().ifPresent(every -> {
      vertx.setTimer(1, t -> reconcile());
      vertx.setPeriodic(every.toMillis(), every.toMillis(), t -> reconcile());
    });
    return Bus.serve(vertx, Addresses.INTEGRITY_FSCK, this::check).completion();
  }

  /** {@code {repair?, verify_content?, grace_seconds?}}: the report of {@link Fsck#run}. */
  private Future<JsonObject> check(JsonObject req) {
    Duration grace = req.containsKey("grace_seconds")
        ? Duration.ofSeconds(req.getLong("grace_seconds")) : config.integrity().gracePeriod();
    return exclusive(new Fsck.Options(req.getBoolean("repair", false),
        req.getBoolean("verify_content", false), grace));
  }

  private void reconcile() {
    exclusive(new Fsck.Options(true, false, config.integrity().gracePeriod()))
        .onSuccess(r -> {
          String repaired = repaired(r);
          if (!r.getBoolean("clean")) {
            LOG.log(Level.WARNING, "integrity reconciliation left problems it cannot repair "
                + "(run artifact-store fsck): " + repaired + "; " + r.encode());
          } else if (!repaired.isEmpty()) {
            LOG.log(Level.WARNING, "integrity reconciliation repaired " + repaired);
          }
        })
        .onFailure(e -> LOG.log(running(e) ? Level.FINE : Level.WARNING,
            "integrity reconciliation did not run: " + e.getMessage()));
  }

  /** What a repair did, such as {@code "local: 2 orphans removed"}; empty when nothing. */
  private static String repaired(JsonObject report) {
    StringBuilder out = new StringBuilder();
    JsonObject backends = report.getJsonObject("backends");
    for (String id : backends.fieldNames()) {
      JsonObject b = backends.getJsonObject(id);
      long orphans = b.getJsonObject("orphans").getLong("repaired");
      long temporaries = b.getJsonObject("temporaries").getLong("repaired");
      long missing = b.getJsonObject("missing").getLong("repaired");
      if (orphans + temporaries + missing > 0) {
        out.append(out.isEmpty() ? "" : "; ").append(id).append(": ")
            .append(orphans).append(" orphans removed, ")
            .append(temporaries).append(" stale temporaries removed, ")
            .append(missing).append(" lost contents recorded");
      }
    }
    return out.toString();
  }

  /** Whether {@code e} says that another check is running (which makes this one needless). */
  private static boolean running(Throwable e) {
    return e instanceof ApiException a && a.code() == ErrorCode.INTEGRITY_CHECK_RUNNING;
  }

  /** One check at a time on this server, and on every server sharing the database. */
  private Future<JsonObject> exclusive(Fsck.Options options) {
    if (running) {
      return Future.failedFuture(new ApiException(ErrorCode.INTEGRITY_CHECK_RUNNING));
    }
    running = true;
    return db.withExclusiveLock(Database.INTEGRITY_LOCK, () -> fsck.run(options))
        .compose(r -> r == null
            ? Future.failedFuture(new ApiException(ErrorCode.INTEGRITY_CHECK_RUNNING,
                "another server sharing the database is checking integrity; retry later"))
            : Future.succeededFuture(r))
        .eventually(() -> {
          running = false;
          return Future.succeededFuture();
        });
  }
}
