package io.artifactstore.cli;

import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.artifactstore.db.Migrations;
import io.artifactstore.events.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs an administration task on the configured database's event log from the command line:
 * migrates, opens a private Vert.x and pool, waits for the task, closes everything.
 */
final class OnEventLog {

  private OnEventLog() {}

  /** The task's result; a failure of the task is thrown as its cause. */
  static <T> T run(AppConfig config, Function<EventLog, Future<T>> task) throws Exception {
    Migrations.apply(config.database());
    Vertx vertx = Vertx.vertx();
    try {
      Database db = Database.open(vertx, config.database());
      return task.apply(new EventLog(db, Clock.systemUTC()))
          .eventually(db::close)
          .toCompletionStage().toCompletableFuture().get(1, TimeUnit.HOURS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      vertx.close();
    }
  }
}
