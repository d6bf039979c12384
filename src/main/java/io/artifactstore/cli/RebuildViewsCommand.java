package io.artifactstore.cli;

import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.db.Migrations;
import io.artifactstore.events.EventLog;
import io.artifactstore.events.ViewRebuilder;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rebuild-views}: replays the event log into fresh views, in one transaction. */
@Command(name = "rebuild-views",
    description = "Rebuild every view table from the event log (checks the chain on the way).")
public final class RebuildViewsCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = config.load();
    Migrations.apply(cfg.database());
    Vertx vertx = Vertx.vertx();
    try {
      Database db = Database.open(vertx, cfg.database());
      long n = new ViewRebuilder(new EventLog(db, Clock.systemUTC())).rebuild()
          .eventually(() -> db.close())
          .toCompletionStage().toCompletableFuture().get(1, TimeUnit.HOURS);
      System.out.println("rebuilt the views from " + n + " events");
      return 0;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("artifact-store: rebuild failed: " + e.getCause().getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }
}
