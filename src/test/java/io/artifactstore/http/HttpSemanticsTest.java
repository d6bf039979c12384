package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.LogCapture;
import io.artifactstore.support.RawHttp;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.netty.handler.codec.DateFormatter;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 9110 on every route: {@code Date}, HEAD beside GET, 405 with {@code Allow}, and the
 * errors the HTTP layer itself produces rendered as JSON without a stack trace in the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpSemanticsTest {

  TestServer server;
  Http http;
  LogCapture log;
  String pkg;
  String open;
  String holdId;
  String sha256;
  String blake3;

  @BeforeAll
  void start(@TempDir Path dir) {
    log = LogCapture.start();
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir,
        json -> json.getJsonObject("http").put("max_json_body_bytes", 1024));
    http = new Http(server.baseUrl());
    pkg = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\"}").json()
        .getString("id");
    JsonObject f = http.put("/v1/packages/" + pkg + "/files/docs/a.txt",
        "0123456789".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain").json();
    sha256 = f.getString("sha256");
    blake3 = f.getString("blake3");
    assertEquals(200, http.postJson("/v1/packages/" + pkg + "/finalize", "{}").status());
    holdId = http.postJson("/v1/packages/" + pkg + "/holds", "{\"reason\":\"audit\"}").json()
        .getString("hold_id");
    open = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"open\"}").json()
        .getString("id");
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    log.close();
  }

  /** Every resource with GET, by a concrete URL. */
  Map<String, String> readable() {
    return ReadableRoutes.of(pkg, "docs/a.txt", sha256, blake3);
  }

  /** Every resource, by a concrete URL, with the methods it takes in the order of Allow. */
  Map<String, String> allowed() {
    Map<String, String> allow = new LinkedHashMap<>();
    allow.put("/v1/packages", "GET, HEAD, POST");
    allow.put("/v1/packages/" + pkg, "GET, HEAD, DELETE");
    allow.put("/v1/packages/" + pkg + "/finalize", "POST");
    allow.put("/v1/packages/" + pkg + "/manifest", "GET, HEAD");
    allow.put("/v1/packages/" + pkg + "/verify", "POST");
    allow.put("/v1/packages/" + pkg + "/retention", "GET, HEAD, POST");
    allow.put("/v1/packages/" + pkg + "/holds", "POST");
    allow.put("/v1/packages/" + pkg + "/holds/" + holdId, "DELETE");
    allow.put("/v1/packages/" + pkg + "/events", "GET, HEAD");
    allow.put("/v1/packages/" + pkg + "/files/docs/a.txt", "GET, HEAD, PUT, POST");
    allow.put("/v1/blobs/sha256/" + sha256, "GET, HEAD");
    allow.put("/v1/blobs?size=1", "GET, HEAD");
    allow.put("/v1/retention/eligible", "GET, HEAD");
    allow.put("/v1/retention/sweep", "POST");
    allow.put("/v1/events", "GET, HEAD");
    allow.put("/v1/audit/verify", "GET, HEAD");
    allow.put("/v1/stats", "GET, HEAD");
    allow.put("/health", "GET, HEAD");
    allow.put("/metrics", "GET, HEAD");
    allow.put("/openapi.yaml", "GET, HEAD");
    allow.put("/v1/openapi.yaml", "GET, HEAD");
    return allow;
  }

  static void assertDate(String value, String where) {
    assertNotNull(value, "no Date on " + where);
    assertNotNull(DateFormatter.parseHttpDate(value), where + ": Date is not an HTTP-date: " + value);
    assertTrue(value.endsWith(" GMT"), where + ": Date is not an IMF-fixdate: " + value);
  }

  @Test
  @DisplayName("every response carries Date: successes, errors, 304, 405, 416 and errors of the HTTP layer")
  void dateOnEveryResponse() throws Exception {
    for (String url : readable().values()) {
      assertDate(http.get(url).header("Date"), "GET " + url);
      assertDate(http.head(url).header("Date"), "HEAD " + url);
    }
    String file = "/v1/packages/" + pkg + "/files/docs/a.txt";
    assertDate(http.get(file, "If-None-Match", "\"" + sha256 + "\"").header("Date"), "304");
    assertDate(http.get(file, "Range", "bytes=99-").header("Date"), "416");
    assertDate(http.get("/nowhere").header("Date"), "404");
    assertDate(http.send("PATCH", "/v1/packages", HttpRequest.BodyPublishers.noBody())
        .header("Date"), "405");
    assertDate(http.postJson("/v1/packages", "{").header("Date"), "400");
    assertDate(RawHttp.exchange(server.port(), "BLAH\r\n\r\n").header("Date"), "malformed request");
  }

  @Test
  @DisplayName("a method a resource does not take is 405 with Allow listing exactly what it takes")
  void methodNotAllowedWithAllow() {
    for (Map.Entry<String, String> e : allowed().entrySet()) {
      for (String method : new String[] {"PATCH", "OPTIONS", "TRACE"}) {
        Http.Response r = http.send(method, e.getKey(), HttpRequest.BodyPublishers.noBody());
        assertEquals(405, r.status(), method + " " + e.getKey());
        assertEquals(e.getValue(), r.header("Allow"), method + " " + e.getKey());
        assertEquals("method_not_allowed", r.errorCode(), method + " " + e.getKey());
      }
      for (String method : new String[] {"GET", "PUT", "POST", "DELETE"}) {
        if (!e.getValue().contains(method)) {
          Http.Response r = http.send(method, e.getKey(), HttpRequest.BodyPublishers.noBody());
          assertEquals(405, r.status(), method + " " + e.getKey());
          assertEquals(e.getValue(), r.header("Allow"), method + " " + e.getKey());
        }
      }
    }
  }

  @Test
  @DisplayName("HEAD answers wherever GET does, with the same status and header fields and no content")
  void headMatchesGet() {
    Map<String, String> cases = new LinkedHashMap<>(readable());
    cases.put("missing package", "/v1/packages/0190a0a0-0000-7000-8000-000000000000");
    cases.put("missing file", "/v1/packages/" + pkg + "/files/none");
    cases.put("missing blob", "/v1/blobs/sha256/" + "0".repeat(64));
    cases.put("manifest of an open package", "/v1/packages/" + open + "/manifest");
    cases.put("ranged file", "/v1/packages/" + pkg + "/files/docs/a.txt");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Http.Response get = http.get(c.getValue());
      Http.Response head = http.head(c.getValue());
      assertEquals(get.status(), head.status(), c.getKey());
      assertEquals(0, head.body().length, c.getKey() + ": HEAD has no content");
      Map<String, List<String>> g = comparable(get, c.getKey());
      Map<String, List<String>> h = comparable(head, c.getKey());
      assertEquals(g, h, c.getKey());
      if (get.status() >= 400) {
        assertEquals("application/json", head.header("Content-Type"), c.getKey());
        assertEquals(Integer.toString(get.body().length), head.header("Content-Length"),
            c.getKey());
      }
    }
  }

  /**
   * Header fields that must agree; Date changes with time, and so do the content (and with it
   * its tag and length) of the routes that change by themselves.
   */
  private static Map<String, List<String>> comparable(Http.Response r, String name) {
    Map<String, List<String>> m = new TreeMap<>(r.headers().map());
    m.remove("date");
    if (ReadableRoutes.CHANGING.contains(name)) {
      m.remove("content-length");
      m.remove("etag");
    }
    return m;
  }

  @Test
  @DisplayName("chunk extensions, with token or quoted values, are ignored (RFC 9112 section 7.1.1)")
  void chunkExtensionsAreIgnored() throws Exception {
    String[] extensions = {";a", ";a=b", ";ext=1", ";a=\"q\"", ";a=b;c=\"d\"", " ;a=b"};
    for (int i = 0; i < extensions.length; i++) {
      String path = "/v1/packages/" + open + "/files/ext-" + i + ".txt";
      RawHttp.Answer stored = RawHttp.request(server.port(), "PUT " + path + " HTTP/1.1\r\n"
          + "Host: localhost\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5" + extensions[i] + "\r\nhello\r\n6" + extensions[i] + "\r\n world\r\n"
          + "0" + extensions[i] + "\r\n\r\n");
      assertEquals(201, stored.status(), extensions[i] + ": " + stored.text());
      assertEquals("hello world", http.get(path).text(), extensions[i]);
    }
  }

  @Test
  @DisplayName("errors of the HTTP layer (431, 414, 413, 400) are JSON errors and log no stack trace")
  void httpLayerErrors() throws Exception {
    log.clear();
    RawHttp.Answer tooLargeHeader = RawHttp.exchange(server.port(), "GET /health HTTP/1.1\r\n"
        + "Host: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    assertJsonError(tooLargeHeader, 431, "header_fields_too_large");

    RawHttp.Answer tooLongUri = RawHttp.exchange(server.port(), "GET /v1/packages?x="
        + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertJsonError(tooLongUri, 414, "uri_too_long");

    for (String line : new String[] {"BLAH", "GET", "G\u0001T / HTTP/1.1", "GET /a b HTTP/1.1 x"}) {
      RawHttp.Answer malformed = RawHttp.exchange(server.port(), line + "\r\nHost: localhost\r\n\r\n");
      assertJsonError(malformed, 400, "invalid_request");
    }

    for (String target : new String[] {"/v1/packages", "/v1/packages/" + open + "/files/c.bin"}) {
      String method = target.equals("/v1/packages") ? "POST" : "PUT";
      RawHttp.Answer badChunk = RawHttp.exchange(server.port(), method + " " + target
          + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
      // The HTTP stack closes a connection whose chunked framing is broken; if an answer gets
      // out first, it is the JSON 400.
      if (badChunk.status() != 0) {
        assertJsonError(badChunk, 400, "invalid_request");
      }
    }

    String big = "{\"producer\":\"" + "p".repeat(5000) + "\",\"subject\":\"s\"}";
    Http.Response tooLarge = http.postJson("/v1/packages", big);
    assertEquals(413, tooLarge.status());
    assertEquals("body_too_large", tooLarge.errorCode());
    assertDate(tooLarge.header("Date"), "413");

    assertEquals(List.of(), log.warningsOrStackTraces(), "client errors are not logged as faults");
    assertEquals(200, http.get("/health").status(), "the server still answers");
  }

  private static void assertJsonError(RawHttp.Answer a, int status, String code) {
    assertEquals(status, a.status(), a.text());
    assertEquals("application/json", a.header("Content-Type"));
    assertEquals(code, new JsonObject(a.text()).getJsonObject("error").getString("code"));
    assertDate(a.header("Date"), Integer.toString(status));
  }

  @Test
  @DisplayName("an error to a request without a body keeps the connection for the next request")
  void errorsKeepTheConnection() throws Exception {
    String first = "GET /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n";
    String second = "GET /v1/packages/" + pkg + " HTTP/1.1\r\nHost: localhost\r\n"
        + "If-Match: \"0000\"\r\n\r\n";
    String third = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write((first + second + third).getBytes(StandardCharsets.ISO_8859_1));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertEquals(3, all.split("HTTP/1.1 ", -1).length - 1, all);
      assertTrue(all.startsWith("HTTP/1.1 404"), all);
      assertTrue(all.contains("HTTP/1.1 412"), all);
      assertTrue(all.contains("HTTP/1.1 200"), all);
    }
  }

  @Test
  @DisplayName("a method the file resource does not take is 405 even with an invalid path")
  void methodBeforePath() {
    Http.Response r = http.send("DELETE", "/v1/packages/" + pkg + "/files/a/../b",
        HttpRequest.BodyPublishers.noBody());
    assertEquals(405, r.status());
    assertEquals("GET, HEAD, PUT, POST", r.header("Allow"));
  }

  @Test
  @DisplayName("OPTIONS and other methods of unknown paths are 404, with Date and JSON")
  void unknownPaths() {
    Http.Response r = http.send("PATCH", "/v2/anything", HttpRequest.BodyPublishers.noBody());
    assertEquals(404, r.status());
    assertEquals("not_found", r.errorCode());
    assertNull(r.header("Allow"));
    assertArrayEquals(new byte[0], http.head("/v2/anything").body());
  }
}
