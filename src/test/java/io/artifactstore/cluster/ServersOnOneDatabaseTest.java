package io.artifactstore.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.integration.BusApi;
import io.artifactstore.support.Await;
import io.artifactstore.support.Http;
import io.artifactstore.support.LogCapture;
import io.artifactstore.support.MutableClock;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestS3;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers, each with its own Vert.x, pool and listening connection, on one PostgreSQL
 * database and one S3 bucket: what one changes, the other serves at once, its cache included.
 * (The same with server processes behind nginx: MultiInstanceTest.)
 */
class ServersOnOneDatabaseTest {

  @TempDir
  Path dir;

  final MutableClock clock = new MutableClock();
  TestServer a;
  TestServer b;
  Http viaA;
  Http viaB;
  String databaseUrl;

  void start(Consumer<JsonObject> tweakA) throws Exception {
    start(tweakA, json -> { });
  }

  void start(Consumer<JsonObject> tweakA, Consumer<JsonObject> tweakB) throws Exception {
    JsonObject s3 = TestS3.get().backendOptions();
    Consumer<JsonObject> shared = json -> json.getJsonObject("storage")
        .put("default_backend", "s3").getJsonObject("backends").put("s3", s3.copy());
    a = TestServer.start(TestDatabases.Kind.POSTGRESQL, dir.resolve("a"),
        shared.andThen(tweakA), clock);
    databaseUrl = a.config().database().url();
    b = TestServer.start(TestDatabases.Kind.POSTGRESQL, dir.resolve("b"),
        shared.andThen(json -> json.getJsonObject("database").put("url", databaseUrl))
            .andThen(tweakB), clock);
    viaA = new Http(a.baseUrl());
    viaB = new Http(b.baseUrl());
    Await.until("both servers listen on the database", Duration.ofSeconds(30),
        () -> peers().size() == 2);
  }

  @AfterEach
  void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  List<String> peers() throws Exception {
    return TestDatabases.listeningServers(databaseUrl);
  }

  Connection connect() throws Exception {
    return TestDatabases.connect(databaseUrl);
  }

  String finalized(Http http, String retentionClass, byte[] content) {
    Http.Response r = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\","
        + "\"retention_class\":\"" + retentionClass + "\"}");
    assertEquals(201, r.status(), r.text());
    String id = r.json().getString("id");
    assertEquals(201, http.put("/v1/packages/" + id + "/files/f.bin", content).status());
    assertEquals(200, http.postJson("/v1/packages/" + id + "/finalize", "{}").status());
    return id;
  }

  static byte[] random(int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Test
  @DisplayName("a package made through one server is served by the other; its deletion through one is 410 on the other at once, from its cache too")
  void deletionSeenAtOnce() throws Exception {
    start(json -> { });
    byte[] content = random(70_000, 1);
    String id = finalized(viaA, "transient", content);
    // The same bytes in a package that stays: the deletion leaves them in the bucket, so only
    // the other server's cached reference could still serve them.
    finalized(viaA, "permanent-record", content);
    for (int i = 0; i < 2; i++) {
      Http.Response read = viaB.get("/v1/packages/" + id + "/files/f.bin");
      assertEquals(200, read.status(), read.text());
      assertArrayEquals(content, read.body());
    }
    clock.advance(Duration.ofDays(8));
    Http.Response deleted = viaA.send("DELETE", "/v1/packages/" + id,
        HttpRequest.BodyPublishers.noBody());
    assertEquals(200, deleted.status(), deleted.text());
    Http.Response gone = viaB.get("/v1/packages/" + id + "/files/f.bin");
    assertEquals(410, gone.status(), gone.text());
    assertEquals("package_deleted", gone.errorCode());
  }

  @Test
  @DisplayName("a token revoked through one server is refused by the other at once, although it had verified and cached it")
  void revocationSeenAtOnce() throws Exception {
    start(json -> { });
    String secret = a.token(new JsonObject().put("name", "watcher")
        .put("roles", new io.vertx.core.json.JsonArray().add("reader")));
    for (int i = 0; i < 2; i++) {
      Http.Response who = viaB.get("/v1/identity", "Authorization", "Bearer " + secret);
      assertEquals(200, who.status(), who.text());
    }
    String id = viaA.get("/v1/tokens").json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(t -> "watcher".equals(t.getString("name")))
        .findFirst().orElseThrow().getString("id");
    Http.Response revoked = viaA.send("DELETE", "/v1/tokens/" + id,
        HttpRequest.BodyPublishers.noBody());
    assertEquals(200, revoked.status(), revoked.text());
    Http.Response refused = viaB.get("/v1/identity", "Authorization", "Bearer " + secret);
    assertEquals(401, refused.status(), refused.text());
    assertEquals("invalid_token", refused.errorCode());
  }

  @Test
  @DisplayName("a server that listens but never confirms delays a change by the timeout, is named once and not waited for again, and the change stands")
  void silentPeer() throws Exception {
    start(json -> json.getJsonObject("database").put("peer_ack_timeout", "PT1S"));
    byte[] content = random(1000, 2);
    String id = finalized(viaA, "transient", content);
    String second = finalized(viaA, "transient", random(1000, 3));
    // The content stays referenced: no reclamation adds its own announcement.
    finalized(viaA, "permanent-record", content);
    finalized(viaA, "permanent-record", random(1000, 3));
    assertEquals(200, viaB.get("/v1/packages/" + id + "/files/f.bin").status());
    try (Connection silent = connect(); Statement s = silent.createStatement();
        LogCapture log = LogCapture.start()) {
      s.execute("LISTEN artifactstore");
      s.execute("SET application_name = 'artifact-store-peer/silent/1/00000000'");
      Await.until("the silent peer is listed", Duration.ofSeconds(30), () -> peers().size() == 3);
      clock.advance(Duration.ofDays(8));
      Http.Response deleted = viaA.send("DELETE", "/v1/packages/" + id,
          HttpRequest.BodyPublishers.noBody());
      assertEquals(200, deleted.status(), deleted.text());
      assertEquals(410, viaB.get("/v1/packages/" + id + "/files/f.bin").status());
      // One warning, naming the silent peer only: server B confirmed.
      List<String> warnings = log.warningsOrStackTraces().stream()
          .filter(w -> w.contains("did not confirm")).toList();
      assertEquals(1, warnings.size(), log.warningsOrStackTraces().toString());
      assertTrue(warnings.get(0).contains("[artifact-store-peer/silent/1/00000000]"),
          warnings.get(0));
      // Not waited for again: the next change warns no more, and B still drops it.
      assertEquals(200, viaB.get("/v1/packages/" + second + "/files/f.bin").status());
      assertEquals(200, viaA.send("DELETE", "/v1/packages/" + second,
          HttpRequest.BodyPublishers.noBody()).status());
      assertEquals(410, viaB.get("/v1/packages/" + second + "/files/f.bin").status());
      assertEquals(1, log.warningsOrStackTraces().stream()
          .filter(w -> w.contains("did not confirm")).count(), log.warningsOrStackTraces().toString());
    }
  }

  @Test
  @DisplayName("events committed through one server are published on the other's event bus, each once, in log order")
  void notificationsAcrossServers() throws Exception {
    // B never reads the log on its own: only the announcements of A's commits can tell it.
    start(json -> { }, json -> json.getJsonObject("integration")
        .put("events_poll_interval", "PT1H"));
    List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    b.vertx().eventBus().<JsonObject>consumer(BusApi.EVENTS,
        m -> seen.add(m.body().getLong("seq"))).completion().await();
    int packages = 40;
    for (int i = 0; i < packages; i++) {
      assertEquals(201, viaA.postJson("/v1/packages",
          "{\"producer\":\"ci\",\"subject\":\"s" + i + "\"}").status());
    }
    long head = viaA.get("/v1/events?limit=1&after=0").json().getLong("head", -1L);
    JsonObject page = viaA.get("/v1/events?limit=1000&after=0").json();
    long last = page.getJsonArray("items").getJsonObject(page.getJsonArray("items").size() - 1)
        .getLong("seq");
    Await.until("B published every event up to " + last, Duration.ofSeconds(30),
        () -> !seen.isEmpty() && seen.get(seen.size() - 1) == last);
    List<Long> copy = new ArrayList<>(seen);
    for (int i = 1; i < copy.size(); i++) {
      assertEquals(copy.get(i - 1) + 1, copy.get(i), "in order, none twice, none missed: " + copy);
    }
    assertTrue(copy.size() >= packages, copy.toString());
    assertTrue(head == -1 || head >= last);
  }
}
