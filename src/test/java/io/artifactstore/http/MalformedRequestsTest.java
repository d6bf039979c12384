package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.artifactstore.support.Http;
import io.artifactstore.support.LogCapture;
import io.artifactstore.support.RawHttp;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that are malformed before any handler sees them: unmet expectations, request
 * targets that are not paths, percent-escapes that are not UTF-8, JSON routes given another
 * media type. Each gets one clear 4xx with a code, and nothing is logged as a fault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestsTest {

  TestServer server;
  Http http;
  LogCapture log;
  String pkg;

  @BeforeAll
  void start(@TempDir Path dir) {
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir);
    log = LogCapture.start();
    http = new Http(server.baseUrl());
    pkg = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
        .getString("id");
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    List<String> faults = log.warningsOrStackTraces();
    log.close();
    assertEquals(List.of(), faults, "bad requests are not faults of the server");
  }

  RawHttp.Answer raw(String requestLine, String... headers) throws Exception {
    StringBuilder r = new StringBuilder(requestLine).append("\r\nHost: localhost\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    return RawHttp.exchange(server.port(), r.append("\r\n").toString());
  }

  static void assertError(RawHttp.Answer a, int status, String code) {
    assertEquals(status, a.status(), a.text());
    assertEquals(code, new JsonObject(a.text()).getJsonObject("error").getString("code"));
    assertNotNull(a.header("Date"));
  }

  @Test
  @DisplayName("an Expect other than 100-continue is 417 expectation_failed")
  void expectation() throws Exception {
    assertError(raw("GET /health HTTP/1.1", "Expect: something-else"), 417,
        "expectation_failed");
    assertError(raw("PUT /v1/packages/" + pkg + "/files/e.bin HTTP/1.1", "Expect: 200-ok",
        "Content-Length: 3"), 417, "expectation_failed");
    assertEquals(404, http.get("/v1/packages/" + pkg + "/files/e.bin").status());
  }

  @Test
  @DisplayName("a request target that is not a path is 400; the absolute-form of HTTP/1.1 is served")
  void targets() throws Exception {
    for (String target : new String[] {"*", "example.com", "health", "http://x"}) {
      assertError(raw("GET " + target + " HTTP/1.1"), 400, "invalid_request");
    }
    assertEquals(200, RawHttp.request(server.port(), "GET http://127.0.0.1/health HTTP/1.1\r\n"
        + "Host: localhost\r\nConnection: close\r\n\r\n").status());
  }

  @Test
  @DisplayName("percent-escapes that are not two hex digits of UTF-8 are 400, in the path, a package id or the query")
  void escapes() throws Exception {
    assertError(raw("GET /v1/packages/%zz HTTP/1.1"), 400, "invalid_request");
    assertError(raw("GET /v1/packages/%C3%28 HTTP/1.1"), 400, "invalid_request");
    assertError(raw("GET /v1/packages/%4 HTTP/1.1"), 400, "invalid_request");
    assertError(raw("GET /v1/blobs/sha256/%zz HTTP/1.1"), 400, "invalid_request");
    assertError(raw("GET /v1/packages?limit=%zz HTTP/1.1"), 400, "invalid_parameter");
    assertError(raw("GET /v1/packages?producer=%C3%28 HTTP/1.1"), 400, "invalid_parameter");
    assertError(raw("GET /v1/packages?%ff=1 HTTP/1.1"), 400, "invalid_parameter");
    assertEquals(200, RawHttp.request(server.port(), "GET /v1/packages?producer=%C3%A9t%C3%A9 "
        + "HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").status(),
        "well-formed UTF-8 escapes are fine");
  }

  @Test
  @DisplayName("a JSON route given a body of another media type is 415 unsupported_media_type and creates nothing")
  void mediaTypes() {
    long before = http.get("/v1/packages?limit=1000").json().getJsonArray("items").size();
    String body = "{\"producer\":\"p\",\"subject\":\"s\"}";
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/jsonp"}) {
      Http.Response r = http.send("POST", "/v1/packages", HttpRequest.BodyPublishers.ofString(body),
          "Content-Type", type);
      assertEquals(415, r.status(), type);
      assertEquals("unsupported_media_type", r.errorCode());
    }
    Http.Response untyped = http.send("POST", "/v1/packages",
        HttpRequest.BodyPublishers.ofString(body));
    assertEquals(415, untyped.status());
    assertEquals(before, http.get("/v1/packages?limit=1000").json().getJsonArray("items").size());
    for (String type : new String[] {"application/json; charset=utf-8",
        "application/vnd.artifact-store+json", "Application/JSON"}) {
      Http.Response r = http.send("POST", "/v1/packages", HttpRequest.BodyPublishers.ofString(body),
          "Content-Type", type);
      assertEquals(201, r.status(), type + ": " + r.text());
    }
    assertEquals(415, http.send("POST", "/v1/packages/" + pkg + "/holds",
        HttpRequest.BodyPublishers.ofString("{\"reason\":\"r\"}"), "Content-Type", "text/plain")
        .status());
    assertEquals(200, http.send("POST", "/v1/packages/" + pkg + "/finalize",
        HttpRequest.BodyPublishers.noBody()).status(), "an empty body needs no type");
  }
}
