package io.artifactstore.cli;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.config.AppConfig;
import io.artifactstore.dataplane.DataPlaneVerticle;
import io.artifactstore.db.Database;
import io.artifactstore.db.Migrations;
import io.artifactstore.integrity.IntegrityVerticle;
import io.artifactstore.storage.StorageBackends;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fsck}: the integrity check of integrity.Fsck, run from the command line against the
 * configured database and storage backends (a server may be running on them: with PostgreSQL
 * the check takes the same lock as the servers' own reconciliation).
 */
@Command(name = "fsck",
    description = "Check the stored objects against the registry: objects no row records, "
        + "recorded objects that are missing, size (and with --verify-content digest) "
        + "mismatches, stale temporary uploads. Exit 0 when clean, 5 when problems are left.")
public final class FsckCommand implements Callable<Integer> {

  /** Exit status when problems are found and not (all) repaired. */
  public static final int PROBLEMS_LEFT = 5;

  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOption config;

  @Option(names = "--repair", description = "Remove orphans and stale temporaries older than "
      + "the grace period and forget missing locations, each recorded as an event.")
  boolean repair;

  @Option(names = "--verify-content",
      description = "Re-read every recorded object and check its size, SHA-256 and BLAKE3.")
  boolean verifyContent;

  @Option(names = "--grace", paramLabel = "DURATION", description = "ISO-8601 duration: "
      + "unrecorded objects and temporaries younger than this are left alone "
      + "(default: integrity.grace_period).")
  Duration grace;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = config.load();
    if (grace != null && grace.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--grace must not be negative");
    }
    JsonObject req = new JsonObject().put("repair", repair).put("verify_content", verifyContent);
    if (grace != null) {
      req.put("grace_seconds", grace.toSeconds());
    }
    JsonObject report = check(cfg, req);
    if (json) {
      System.out.println(report.encodePrettily());
    } else {
      printSummary(report);
    }
    return report.getBoolean("clean") ? 0 : PROBLEMS_LEFT;
  }

  /** Deploys a data plane and an integrity verticle (not reconciling) and asks for a check. */
  private static JsonObject check(AppConfig cfg, JsonObject req) throws Exception {
    AppConfig once = new AppConfig(cfg.http(), cfg.database(), cfg.storage(), cfg.limits(),
        cfg.retention(), new AppConfig.Integrity(cfg.integrity().gracePeriod(),
            Optional.empty()), cfg.security(), cfg.integration(), cfg.attestations());
    Migrations.apply(cfg.database());
    Vertx vertx = Vertx.vertx();
    try {
      Future<JsonObject> done = StorageBackends.create(vertx, cfg.storage().defaultBackend(),
              cfg.storage().backends())
          .compose(backends -> {
            Database db = Database.open(vertx, cfg.database());
            return vertx.deployVerticle(new DataPlaneVerticle(backends))
                .compose(id -> vertx.deployVerticle(
                    new IntegrityVerticle(once, Clock.systemUTC(), db)))
                .compose(id -> Bus.<JsonObject>request(vertx, Addresses.INTEGRITY_FSCK, req,
                    TimeUnit.HOURS.toMillis(24)))
                .eventually(backends::close)
                .eventually(db::close);
          });
      return done.toCompletionStage().toCompletableFuture().get(24, TimeUnit.HOURS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      vertx.close();
    }
  }

  private static void printSummary(JsonObject report) {
    JsonObject backends = report.getJsonObject("backends");
    for (String id : backends.fieldNames()) {
      JsonObject b = backends.getJsonObject(id);
      System.out.println("backend " + id + ": " + b.getLong("objects") + " objects, "
          + b.getLong("recorded") + " recorded locations");
      line(b, "orphans", "objects no row records (older than the grace period)", "removed");
      line(b, "missing", "recorded objects missing", "forgotten");
      line(b, "mismatched", "objects that differ from their record", null);
      line(b, "temporaries", "stale temporary uploads", "removed");
      if (b.getLong("recent_unrecorded") > 0 || b.getLong("temporaries_in_flight") > 0) {
        System.out.println("  within the grace period (left alone): "
            + b.getLong("recent_unrecorded") + " unrecorded objects, "
            + b.getLong("temporaries_in_flight") + " temporary uploads");
      }
    }
    if (report.getLong("content_missing") > 0) {
      System.out.println("contents recorded as lost (sending the same bytes restores them): "
          + report.getLong("content_missing"));
    }
    System.out.println(report.getBoolean("clean") ? "clean"
        : report.getBoolean("repair") ? "problems left that repair cannot fix"
        : "problems found; --repair fixes orphans, missing locations and stale temporaries");
  }

  private static void line(JsonObject b, String key, String what, String repairedAs) {
    JsonObject f = b.getJsonObject(key);
    if (f.getLong("count") == 0) {
      return;
    }
    System.out.println("  " + what + ": " + f.getLong("count")
        + (repairedAs != null && f.getLong("repaired") > 0
            ? " (" + f.getLong("repaired") + " " + repairedAs + ")" : ""));
    for (Object o : f.getJsonArray("listed")) {
      JsonObject e = (JsonObject) o;
      System.out.println("    " + e.getString("location", e.getString("id"))
          + (e.containsKey("problem") ? ": " + e.getString("problem") : "")
          + (e.containsKey("age_seconds") ? " (age " + e.getLong("age_seconds") + " s)" : ""));
    }
  }
}
