package io.artifactstore.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.artifactstore.config.AppConfig;
import io.artifactstore.support.Await;
import io.artifactstore.support.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs that run once per service (the sweeper, the integrity reconciliation) take a session
 * advisory lock per run: with several servers on one PostgreSQL only one runs at a time, and
 * when the one running dies its session ends, the lock goes with it, and another runs the job.
 */
class ExclusiveLockPostgresTest {

  @TempDir
  Path dir;

  Vertx vertx;
  Database first;
  Database second;

  @BeforeEach
  void open() {
    String url = TestDatabases.newDatabase(TestDatabases.Kind.POSTGRESQL, dir);
    AppConfig.Database cfg = new AppConfig.Database(url, 2);
    vertx = Vertx.vertx();
    first = Database.open(vertx, cfg);
    second = Database.open(vertx, cfg);
  }

  @AfterEach
  void close() {
    first.close().await();
    second.close().await();
    vertx.close().await();
  }

  /** The backend pid holding the sweeper's lock, or null when no session holds it. */
  Integer holder() {
    var rows = second.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        + "AND ((classid::bigint << 32) | objid::bigint) = ?", Database.SWEEPER_LOCK).await();
    return rows.size() == 0 ? null : rows.iterator().next().getInteger("pid");
  }

  Future<String> secondRuns() {
    return second.withExclusiveLock(Database.SWEEPER_LOCK,
        () -> Future.succeededFuture("second ran"));
  }

  @Test
  @DisplayName("while one server holds the sweeper lock, another's sweep is skipped; afterwards it runs")
  void onlyOneHolder() throws Exception {
    Promise<String> release = Promise.promise();
    Future<String> held = first.withExclusiveLock(Database.SWEEPER_LOCK, release::future);
    Await.until("the first server holds the lock", Duration.ofSeconds(30), () -> holder() != null);
    assertNull(secondRuns().await(), "the second server must not sweep while the first does");
    release.complete("first ran");
    assertEquals("first ran", held.await());
    assertEquals("second ran", secondRuns().await());
  }

  @Test
  @DisplayName("a server that dies while running the job releases it with its session; another server then runs it")
  void failover() throws Exception {
    // The first server's job never finishes: its server dies in the middle.
    first.withExclusiveLock(Database.SWEEPER_LOCK, () -> Promise.<String>promise().future());
    Await.until("the first server holds the lock", Duration.ofSeconds(30), () -> holder() != null);
    assertNull(secondRuns().await());
    // What PostgreSQL does when a server's process dies: its connection closes and the session
    // ends, with every session lock it held.
    int pid = holder();
    second.query("SELECT pg_terminate_backend(?)", pid).await();
    AtomicReference<String> ran = new AtomicReference<>();
    Await.until("the second server runs the job", Duration.ofSeconds(30), () -> {
      ran.set(secondRuns().await());
      return ran.get() != null;
    });
    assertEquals("second ran", ran.get());
  }
}
