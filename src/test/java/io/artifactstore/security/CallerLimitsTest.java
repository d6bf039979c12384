package io.artifactstore.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Await;
import io.artifactstore.support.Http;
import io.artifactstore.support.MutableClock;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-caller limits: a caller over its request rate or its uploads in flight is answered 429
 * with Retry-After, other callers are not held back, and the limit lifts when the second has
 * passed or the upload has ended. The server's clock is the test's, so no timing decides.
 */
class CallerLimitsTest {

  @Test
  @DisplayName("requests_per_second_per_caller: the sixth request in a second is 429 with "
      + "Retry-After; another caller is served; the next second serves the first again")
  void requestRate(@TempDir Path dir) {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json ->
        json.getJsonObject("security").put("anonymous", "none").put("limits", new JsonObject()
            .put("requests_per_second_per_caller", 5)
            .put("max_concurrent_uploads_per_caller", 0)), clock)) {
      Http http = new Http(server.baseUrl());
      String a = "Bearer " + server.token("a", "admin");
      String b = "Bearer " + server.token("b", "admin");
      for (int i = 0; i < 5; i++) {
        assertEquals(200, http.get("/v1/identity", "Authorization", a).status(), "request " + i);
      }
      Http.Response limited = http.get("/v1/identity", "Authorization", a);
      assertEquals(429, limited.status(), limited.text());
      assertEquals("too_many_requests", limited.errorCode());
      assertEquals("1", limited.header("Retry-After"));
      assertEquals(200, http.get("/v1/identity", "Authorization", b).status(),
          "another caller has its own limit");
      clock.advance(Duration.ofSeconds(1));
      assertEquals(200, http.get("/v1/identity", "Authorization", a).status());
    }
  }

  @Test
  @DisplayName("the event bus counts against the same limit: the sixth bus request in a second "
      + "fails with 429 too_many_requests")
  void requestRateOnTheBus(@TempDir Path dir) {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json ->
        json.getJsonObject("security").put("anonymous", "none").put("limits", new JsonObject()
            .put("requests_per_second_per_caller", 5)
            .put("max_concurrent_uploads_per_caller", 0)), clock)) {
      io.vertx.core.eventbus.DeliveryOptions as = new io.vertx.core.eventbus.DeliveryOptions()
          .addHeader("authorization", "Bearer " + server.token("a", "admin"));
      JsonObject create = new JsonObject().put("producer", "p").put("subject", "s");
      for (int i = 0; i < 5; i++) {
        server.vertx().eventBus().request("artifactstore.v1.package.create", create, as).await();
      }
      io.vertx.core.eventbus.ReplyException limited = org.junit.jupiter.api.Assertions
          .assertThrows(io.vertx.core.eventbus.ReplyException.class, () -> server.vertx()
              .eventBus().request("artifactstore.v1.package.create", create, as).await());
      assertEquals(429, limited.failureCode());
      assertEquals("too_many_requests", new JsonObject(limited.getMessage())
          .getJsonObject("error").getString("code"));
      clock.advance(Duration.ofSeconds(1));
      server.vertx().eventBus().request("artifactstore.v1.package.create", create, as).await();
    }
  }

  static long inFlight(Http http, String auth) {
    for (String line : http.get("/metrics", "Authorization", auth).text().split("\n")) {
      if (line.startsWith("artifactstore_uploads_in_flight")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no artifactstore_uploads_in_flight gauge");
  }

  static void awaitInFlight(Http http, String auth, long expected) throws Exception {
    Await.until(expected + " uploads in flight", Duration.ofSeconds(30),
        () -> inFlight(http, auth) == expected);
  }

  @Test
  @DisplayName("max_concurrent_uploads_per_caller: a second upload of the same caller while one "
      + "runs is 429, another caller's goes through, and it lifts when the first ends")
  void uploadsInFlight(@TempDir Path dir) throws Exception {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json ->
        json.getJsonObject("security").put("anonymous", "none").put("limits", new JsonObject()
            .put("requests_per_second_per_caller", 0)
            .put("max_concurrent_uploads_per_caller", 1)), clock)) {
      Http http = new Http(server.baseUrl());
      String a = "Bearer " + server.token("a", "admin");
      String b = "Bearer " + server.token("b", "admin");
      String pkg = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}",
          "Authorization", a).json().getString("id");
      assertEquals(201, http.put("/v1/packages/" + pkg + "/files/first", "x".getBytes(),
          "Authorization", a).status());
      // Adding by digest reads no body and takes no upload slot.
      assertEquals(201, http.postJson("/v1/packages/" + pkg + "/files/again",
          "{\"sha256\":\"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881\","
              + "\"size\":1}", "Authorization", a).status());
      awaitInFlight(http, a, 0);
      try (Socket slow = new Socket("127.0.0.1", server.port())) {
        OutputStream out = slow.getOutputStream();
        out.write(("PUT /v1/packages/" + pkg + "/files/slow HTTP/1.1\r\nHost: localhost\r\n"
            + "Authorization: " + a + "\r\nContent-Length: 1000\r\n\r\nstarted")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        awaitInFlight(http, a, 1);
        Http.Response second = http.put("/v1/packages/" + pkg + "/files/second", "y".getBytes(),
            "Authorization", a);
        assertEquals(429, second.status(), second.text());
        assertEquals("too_many_uploads_for_caller", second.errorCode());
        assertEquals("1", second.header("Retry-After"));
        assertEquals(201, http.put("/v1/packages/" + pkg + "/files/other", "z".getBytes(),
            "Authorization", b).status(), "another caller uploads");
      }
      // The first upload's client went away: its slot comes back.
      awaitInFlight(http, a, 0);
      assertEquals(201, http.put("/v1/packages/" + pkg + "/files/second", "y".getBytes(),
          "Authorization", a).status());
    }
  }
}
