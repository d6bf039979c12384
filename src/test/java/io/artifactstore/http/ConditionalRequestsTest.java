package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.RawHttp;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditional requests (RFC 9110 section 13) on every route, and byte ranges (section 14) on
 * files and blobs, case by case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConditionalRequestsTest {

  static final byte[] TEN = "0123456789".getBytes(StandardCharsets.UTF_8);

  TestServer server;
  Http http;
  String pkg;
  String sha256;
  String blake3;
  String emptySha256;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir);
    http = new Http(server.baseUrl());
    pkg = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\"}").json()
        .getString("id");
    JsonObject f = http.put("/v1/packages/" + pkg + "/files/ten.txt", TEN).json();
    sha256 = f.getString("sha256");
    blake3 = f.getString("blake3");
    emptySha256 = http.put("/v1/packages/" + pkg + "/files/empty.bin", new byte[0]).json()
        .getString("sha256");
    assertEquals(200, http.postJson("/v1/packages/" + pkg + "/finalize", "{}").status());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Resources whose representation does not change between two requests of this test. */
  Map<String, String> stable() {
    return ReadableRoutes.stable(pkg, "ten.txt", sha256, blake3);
  }

  String file() {
    return "/v1/packages/" + pkg + "/files/ten.txt";
  }

  @Test
  @DisplayName("every GET route has a strong ETag; If-None-Match with it or * is 304 for GET and HEAD, other tags 200")
  void ifNoneMatchOnEveryRoute() {
    for (Map.Entry<String, String> e : stable().entrySet()) {
      String url = e.getValue();
      Http.Response full = http.get(url);
      assertEquals(200, full.status(), e.getKey());
      String etag = full.header("ETag");
      assertNotNull(etag, e.getKey() + " has no ETag");
      assertTrue(etag.startsWith("\""), e.getKey() + ": a strong ETag, got " + etag);
      for (String value : new String[] {etag, "*", "\"x\", " + etag, "W/" + etag}) {
        Http.Response get = http.get(url, "If-None-Match", value);
        assertEquals(304, get.status(), e.getKey() + " If-None-Match: " + value);
        assertEquals(0, get.body().length, e.getKey());
        assertEquals(etag, get.header("ETag"), e.getKey() + ": 304 carries the ETag");
        assertEquals(304, http.head(url, "If-None-Match", value).status(), e.getKey());
      }
      assertEquals(200, http.get(url, "If-None-Match", "\"other\"").status(), e.getKey());
    }
  }

  @Test
  @DisplayName("several If-None-Match field lines are one list (RFC 9110 section 5.3)")
  void repeatedFieldLines() throws Exception {
    String etag = http.get(file()).header("ETag");
    RawHttp.Answer a = RawHttp.request(server.port(), "GET " + file() + " HTTP/1.1\r\n"
        + "Host: localhost\r\nIf-None-Match: \"x\"\r\nIf-None-Match: " + etag + "\r\n"
        + "Connection: close\r\n\r\n");
    assertEquals(304, a.status());
    RawHttp.Answer b = RawHttp.request(server.port(), "GET " + file() + " HTTP/1.1\r\n"
        + "Host: localhost\r\nIf-Match: \"x\"\r\nIf-Match: " + etag + "\r\n"
        + "Connection: close\r\n\r\n");
    assertEquals(200, b.status());
  }

  @Test
  @DisplayName("If-Match that does not hold is 412 with a JSON error on every route, Range or not; one that holds is 200")
  void ifMatchOnEveryRoute() {
    for (Map.Entry<String, String> e : stable().entrySet()) {
      String url = e.getValue();
      String etag = http.get(url).header("ETag");
      for (String value : new String[] {"\"0000\"", "W/" + etag, "\"a\", \"b\""}) {
        Http.Response r = http.get(url, "If-Match", value);
        assertEquals(412, r.status(), e.getKey() + " If-Match: " + value);
        assertEquals("precondition_failed", r.errorCode(), e.getKey());
        assertEquals(412, http.get(url, "If-Match", value, "Range", "bytes=0-1").status(),
            e.getKey() + " with a Range");
        assertEquals(412, http.head(url, "If-Match", value).status(), e.getKey());
      }
      for (String value : new String[] {etag, "*", "\"x\", " + etag}) {
        assertEquals(200, http.get(url, "If-Match", value).status(), e.getKey() + " " + value);
      }
    }
    // Metrics change with every scrape, health with the free space of the disk; * still holds,
    // a stale tag does not.
    for (String url : new String[] {"/metrics", "/health"}) {
      assertEquals(200, http.get(url, "If-Match", "*").status(), url);
      assertEquals(412, http.get(url, "If-Match", "\"0000\"").status(), url);
      assertEquals(304, http.get(url, "If-None-Match", "*").status(), url);
      assertNotNull(http.get(url).header("ETag"), url);
    }
  }

  @Test
  @DisplayName("If-Modified-Since and If-Unmodified-Since use Last-Modified, in all three HTTP-date formats")
  void dates() {
    for (String url : new String[] {file(), "/v1/packages/" + pkg + "/manifest"}) {
      Http.Response full = http.get(url);
      Instant modified = Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME
          .parse(full.header("Last-Modified")));
      Instant before = modified.minusSeconds(86_400);
      for (String date : formats(modified)) {
        assertEquals(304, http.get(url, "If-Modified-Since", date).status(), url + " " + date);
        assertEquals(200, http.get(url, "If-Unmodified-Since", date).status(), url + " " + date);
      }
      for (String date : formats(before)) {
        assertEquals(200, http.get(url, "If-Modified-Since", date).status(), url + " " + date);
        Http.Response failed = http.get(url, "If-Unmodified-Since", date);
        assertEquals(412, failed.status(), url + " " + date);
        assertEquals("precondition_failed", failed.errorCode());
        assertEquals(412, http.get(url, "If-Unmodified-Since", date, "Range", "bytes=0-0")
            .status());
      }
      assertEquals(200, http.get(url, "If-Modified-Since", "not a date").status(),
          "an invalid date is ignored");
      assertEquals(200, http.get(url, "If-Modified-Since", "x".repeat(100)).status(),
          "an invalid date longer than any HTTP-date is ignored too");
    }
    assertEquals(200, http.get("/v1/stats", "If-Modified-Since", "x".repeat(100)).status());
    // Resources without Last-Modified ignore both.
    String before = formats(Instant.parse("2000-01-01T00:00:00Z"))[0];
    assertEquals(200, http.get("/v1/packages/" + pkg, "If-Unmodified-Since", before).status());
    assertEquals(200, http.get("/v1/stats", "If-Modified-Since",
        formats(Instant.now().plusSeconds(86_400))[0]).status());
  }

  static String[] formats(Instant t) {
    var utc = t.atZone(ZoneOffset.UTC);
    return new String[] {
        DateTimeFormatter.RFC_1123_DATE_TIME.format(utc),
        DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US).format(utc),
        DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).format(utc)};
  }

  @Test
  @DisplayName("the order of section 13.2.2: If-Match before If-None-Match, If-None-Match hides If-Modified-Since")
  void evaluationOrder() {
    String etag = http.get(file()).header("ETag");
    String lm = http.get(file()).header("Last-Modified");
    assertEquals(412, http.get(file(), "If-Match", "\"no\"", "If-None-Match", etag).status());
    assertEquals(304, http.get(file(), "If-Match", etag, "If-None-Match", etag).status());
    assertEquals(200, http.get(file(), "If-None-Match", "\"other\"", "If-Modified-Since", lm)
        .status(), "If-Modified-Since is ignored beside If-None-Match");
    assertEquals(200, http.get(file(), "If-Match", etag, "If-Unmodified-Since",
        formats(Instant.parse("2000-01-01T00:00:00Z"))[0]).status(),
        "If-Unmodified-Since is ignored beside If-Match");
  }

  @Test
  @DisplayName("ranges: other units ignored, huge positions clamped, If-Range, zero-length content, HEAD ignores Range")
  void ranges() {
    for (String url : new String[] {file(), "/v1/blobs/sha256/" + sha256,
        "/v1/blobs/blake3/" + blake3}) {
      Http.Response items = http.get(url, "Range", "items=0-1");
      assertEquals(200, items.status(), url);
      assertArrayEquals(TEN, items.body());

      Http.Response huge = http.get(url, "Range", "bytes=2-9223372036854775807");
      assertEquals(206, huge.status(), url);
      assertEquals("bytes 2-9/10", huge.header("Content-Range"));
      assertArrayEquals("23456789".getBytes(StandardCharsets.UTF_8), huge.body());

      Http.Response huger = http.get(url, "Range", "bytes=2-123456789012345678901234567890");
      assertEquals("bytes 2-9/10", huger.header("Content-Range"));

      Http.Response past = http.get(url, "Range", "bytes=123456789012345678901234567890-");
      assertEquals(416, past.status());
      assertEquals("bytes */10", past.header("Content-Range"));
      assertEquals("range_not_satisfiable", past.errorCode());

      String etag = http.get(url).header("ETag");
      assertEquals(206, http.get(url, "Range", "bytes=0-1", "If-Range", etag).status());
      Http.Response stale = http.get(url, "Range", "bytes=0-1", "If-Range", "\"stale\"");
      assertEquals(200, stale.status());
      assertArrayEquals(TEN, stale.body());
      assertEquals(200, http.get(url, "Range", "bytes=0-1", "If-Range", "W/" + etag).status(),
          "a weak tag never matches strongly");

      Http.Response head = http.head(url, "Range", "bytes=0-1");
      assertEquals(200, head.status(), "Range is defined for GET only");
      assertEquals("10", head.header("Content-Length"));
    }
    String lm = http.get(file()).header("Last-Modified");
    assertEquals(206, http.get(file(), "Range", "bytes=0-1", "If-Range", lm).status());
    assertEquals(200, http.get(file(), "Range", "bytes=0-1", "If-Range",
        formats(Instant.parse("2000-01-01T00:00:00Z"))[0]).status());

    String empty = "/v1/packages/" + pkg + "/files/empty.bin";
    Http.Response emptyFrom0 = http.get(empty, "Range", "bytes=0-");
    assertEquals(416, emptyFrom0.status());
    assertEquals("bytes */0", emptyFrom0.header("Content-Range"));
    Http.Response emptySuffix = http.get(empty, "Range", "bytes=-5");
    assertEquals(200, emptySuffix.status());
    assertEquals(0, emptySuffix.body().length);
    assertEquals(200, http.get("/v1/blobs/sha256/" + emptySha256).status());
  }

  @Test
  @DisplayName("state-changing requests evaluate If-Match and If-None-Match against the current representation")
  void unsafeMethods() {
    String open = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"u\"}").json()
        .getString("id");
    String url = "/v1/packages/" + open + "/files/a.txt";
    assertEquals(201, http.put(url, "one".getBytes(), "If-None-Match", "*").status(),
        "create-only succeeds when there is no file yet");
    Http.Response again = http.put(url + "?replace=true", "two".getBytes(), "If-None-Match", "*");
    assertEquals(412, again.status());
    assertEquals("precondition_failed", again.errorCode());
    assertEquals("one", http.get(url).text(), "nothing changed");

    String etag = http.get(url).header("ETag");
    assertEquals(412, http.put(url + "?replace=true", "two".getBytes(), "If-Match", "\"0000\"")
        .status());
    assertEquals(412, http.postJson(url + "?replace=true", new JsonObject().put("sha256", sha256)
        .put("size", 10).encode(), "If-Match", "\"0000\"").status());
    assertEquals("one", http.get(url).text());
    assertEquals(201, http.put(url + "?replace=true", "two".getBytes(), "If-Match", etag)
        .status());
    assertEquals("two", http.get(url).text());

    assertEquals(412, http.put("/v1/packages/" + open + "/files/new.txt", "x".getBytes(),
        "If-Match", "*").status(), "If-Match: * fails where there is no file");
    Http.Response badType = http.put(url + "?replace=true", "x".getBytes(),
        "Content-Type", "a/b/c", "If-Match", "\"0000\"");
    assertEquals(400, badType.status(), "a request refused anyway is not 412 (13.2.1)");

    String pkgTag = http.get("/v1/packages/" + open).header("ETag");
    Http.Response stale = http.send("DELETE", "/v1/packages/" + open,
        HttpRequest.BodyPublishers.noBody(), "If-Match", "\"0000\"");
    assertEquals(412, stale.status());
    assertEquals(409, http.send("DELETE", "/v1/packages/" + open,
        HttpRequest.BodyPublishers.noBody(), "If-Match", pkgTag).status(),
        "with a current tag the delete itself decides (not eligible)");
    assertEquals(412, http.postJson("/v1/packages/" + open + "/finalize", "{}",
        "If-Match", "\"0000\"").status(), "finalize has no representation to match");
    assertEquals("uploading", http.get("/v1/packages/" + open).json().getString("status"));
    assertEquals(404, http.send("DELETE", "/v1/packages/0190a0a0-0000-7000-8000-000000000000",
        HttpRequest.BodyPublishers.noBody(), "If-Match", "\"0000\"").status(),
        "a missing package is 404, not 412 (section 13.2.1)");
  }
}
