package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.artifactstore.support.Http;
import io.artifactstore.support.LogCapture;
import io.artifactstore.support.RawHttp;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole HTTP API: requests built from fuzzed methods,
 * routes, package ids, logical paths, query parameters, header fields (ranges, conditionals,
 * digests, media types, expectations, actors) and JSON or raw bodies go to a real server on a
 * real database and backend, in this JVM (so the fuzzer sees the server's coverage). For every
 * request: exactly one answer, never a 500, and nothing logged at WARNING or above or with a
 * stack trace ("Response has already been written" included).
 */
class HttpRequestFuzzTest {

  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");
  private static final List<String> ROUTES = List.of(
      "/v1/packages", "/v1/packages/{id}", "/v1/packages/{id}/finalize",
      "/v1/packages/{id}/manifest", "/v1/packages/{id}/verify", "/v1/packages/{id}/retention",
      "/v1/packages/{id}/holds", "/v1/packages/{id}/holds/{x}", "/v1/packages/{id}/events",
      "/v1/packages/{id}/files/{x}", "/v1/blobs/sha256/{x}", "/v1/blobs/{x}/{x}",
      "/v1/retention/eligible", "/v1/retention/sweep", "/v1/events", "/v1/audit/verify",
      "/v1/stats", "/v1/admin/fsck", "/health", "/metrics", "/openapi.yaml", "/{x}");
  private static final List<String> HEADERS = List.of("Range", "If-Match", "If-None-Match",
      "If-Modified-Since", "If-Unmodified-Since", "If-Range", "Content-Digest", "Repr-Digest",
      "X-Checksum-Sha256", "Content-Type", "Expect", "X-Actor", "Accept", "Want-Repr-Digest");
  private static final List<String> QUERIES = List.of("limit", "cursor", "after", "replace",
      "dry_run", "reason", "format", "producer", "status", "grace", "repair", "x");

  private static TestServer server;
  private static LogCapture log;
  private static String packageId;
  private static Path dir;

  private static synchronized void start() throws Exception {
    if (server != null) {
      return;
    }

    dir = Files.createTempDirectory("http-fuzz");
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir);
    Http http = new Http(server.baseUrl());
    packageId = http.postJson("/v1/packages", "{\"producer\":\"fuzz\",\"subject\":\"s\"}")
        .json().getString("id");
    http.put("/v1/packages/" + packageId + "/files/a.txt", "abc".getBytes());
    log = LogCapture.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      log.close();
      server.close();
      server = null;
    }
  }

  @FuzzTest
  void request(FuzzedDataProvider data) throws Exception {
    // The server, its database and the requests are all on the loopback interface: any other
    // address is a finding of the fuzzer's server-side request forgery detector (whose policy
    // belongs to the thread, so it is set on every call).
    BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1")
        || host.equals("localhost"));
    start();
    String method = data.pickValue(METHODS);
    String target = data.pickValue(ROUTES)
        .replace("{id}", data.consumeBoolean() ? packageId : token(data, 40));
    while (target.contains("{x}")) {
      target = target.replaceFirst("\\{x}", java.util.regex.Matcher.quoteReplacement(
          token(data, 80)));
    }
    int params = data.consumeInt(0, 3);
    for (int i = 0; i < params; i++) {
      target += (i == 0 ? "?" : "&") + data.pickValue(QUERIES) + "=" + token(data, 40);
    }
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nConnection: close\r\n");
    int headers = data.consumeInt(0, 4);
    for (int i = 0; i < headers; i++) {
      head.append(data.pickValue(HEADERS)).append(": ").append(fieldValue(data)).append("\r\n");
    }
    byte[] body = data.consumeBoolean()
        ? data.consumeRemainingAsString().getBytes(StandardCharsets.UTF_8)
        : data.consumeRemainingAsBytes();
    if (body.length > 0 || method.equals("POST") || method.equals("PUT")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(head.toString().getBytes(StandardCharsets.UTF_8));
    request.write(body);

    String sent = request.toString(StandardCharsets.ISO_8859_1);
    RawHttp.Answer answer;
    try {
      answer = RawHttp.request(server.port(), sent);
    } catch (java.io.IOException e) {
      throw new AssertionError("no complete answer (" + e + ") to: " + printable(sent), e);
    }
    String what = method + " " + target + " -> " + answer.status() + " " + answer.text();
    assertNotEquals(0, answer.status(), "no answer: " + what);
    assertNotEquals(500, answer.status(), what);
    assertTrue(answer.status() < 500 || answer.status() == 503 || answer.status() == 507, what);
    assertEquals(List.of(), log.warningsOrStackTraces(), what);
  }

  /** A path segment, id or parameter value: printable ASCII, escapes and UTF-8 mixed. */
  private static String token(FuzzedDataProvider data, int max) {
    String s = data.consumeString(max);
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c <= 0x20 || c == 0x7f || c == '#') {
        out.append('%').append(String.format("%02X", (int) c & 0xff));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c)
          : c == '\n' ? "\\n\n" : String.format("\\x%02x", (int) c));
    }
    return out.toString();
  }

  /** A header field value: anything but the line breaks that would end it. */
  private static String fieldValue(FuzzedDataProvider data) {
    return data.consumeString(120).replace('\r', ' ').replace('\n', ' ');
  }
}
