package io.artifactstore.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.artifactstore.config.AppConfig;
import io.artifactstore.support.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With several servers on one PostgreSQL, only one sweeps at a time. */
class ExclusiveLockPostgresTest {

  @Test
  @DisplayName("while one server holds the sweeper lock, another's sweep is skipped; afterwards it runs")
  void onlyOneHolder(@TempDir Path dir) {
    String url = TestDatabases.newDatabase(TestDatabases.Kind.POSTGRESQL, dir);
    AppConfig.Database cfg = new AppConfig.Database(url, 2);
    Vertx vertx = Vertx.vertx();
    Database first = Database.open(vertx, cfg);
    Database second = Database.open(vertx, cfg);
    try {
      Promise<String> release = Promise.promise();
      Future<String> held = first.withExclusiveLock(Database.SWEEPER_LOCK, release::future);
      // Give the first holder time to take the lock.
      first.query("SELECT pg_sleep(0.2)").await();
      String other = second.withExclusiveLock(Database.SWEEPER_LOCK,
          () -> Future.succeededFuture("second ran")).await();
      assertNull(other, "the second server must not sweep while the first does");
      release.complete("first ran");
      assertEquals("first ran", held.await());
      assertEquals("second ran", second.withExclusiveLock(Database.SWEEPER_LOCK,
          () -> Future.succeededFuture("second ran")).await());
    } finally {
      first.close().await();
      second.close().await();
      vertx.close().await();
    }
  }
}
