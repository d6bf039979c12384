package io.artifactstore.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.LogCapture;
import io.artifactstore.support.StoppablePostgres;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL outage: the server's own database server is stopped under it, then
 * started again.
 */
class DatabaseOutageTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("while PostgreSQL is down: 503 database_unavailable with Retry-After, health down, one log line each way, recovery without a restart")
  void outage() throws Exception {
    byte[] content = new byte[50_000];
    new Random(3).nextBytes(content);
    try (StoppablePostgres pg = StoppablePostgres.start(dir.resolve("pg"));
        TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir,
            json -> json.getJsonObject("database").put("url", pg.url()));
        LogCapture log = LogCapture.start()) {
      Http http = new Http(server.baseUrl());
      String id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
          .getString("id");
      assertEquals(201, http.put("/v1/packages/" + id + "/files/f.bin", content).status());
      assertEquals(200, http.get("/health/ready").status());

      pg.stop();
      for (int i = 0; i < 10; i++) {
        for (Http.Response r : List.of(
            http.get("/v1/packages/" + id),
            http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}"),
            http.put("/v1/packages/" + id + "/files/g" + i + ".bin", content),
            http.get("/v1/packages/" + id + "/files/f.bin"))) {
          assertEquals(503, r.status(), r.text());
          assertEquals("database_unavailable", r.errorCode());
          assertEquals("5", r.header("Retry-After"));
        }
      }
      assertEquals(503, http.get("/health").status());
      assertEquals(503, http.get("/health/ready").status());
      assertEquals(200, http.get("/health/live").status());
      assertEquals(0, temporaryFiles(), "refused uploads left nothing");
      assertEquals(1, count(log, "database unavailable"), log.warningsOrStackTraces().toString());
      assertEquals(List.of(), log.warningsOrStackTraces().stream()
          .filter(l -> !l.contains("database unavailable")).toList(),
          "nothing else is logged as a fault, and no stack trace");

      pg.startAgain();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (http.get("/health/ready").status() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(200, http.get("/health/ready").status(), "recovered without a restart");
      assertArrayEquals(content, http.get("/v1/packages/" + id + "/files/f.bin").body());
      assertEquals(201, http.put("/v1/packages/" + id + "/files/after.bin", content).status());
      assertEquals(1, count(log, "database available again"),
          log.warningsOrStackTraces().toString());
    }
  }

  static long count(LogCapture log, String text) {
    return log.warningsOrStackTraces().stream().filter(l -> l.contains(text)).count();
  }

  long temporaryFiles() throws Exception {
    Path uploads = dir.resolve("blobs/_uploads");
    if (!Files.exists(uploads)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(uploads)) {
      return s.count();
    }
  }
}
