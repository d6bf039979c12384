package io.artifactstore.cli.client;

import static io.artifactstore.cli.client.CliRunner.ok;
import static io.artifactstore.cli.client.CliRunner.run;
import static io.artifactstore.cli.client.CliRunner.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.cli.client.CliRunner.Run;
import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transient failures, made by a proxy in front of the real server, are retried and reported. */
class RetryTest {

  @TempDir
  Path tmp;

  private TestServer server;
  private FaultProxy proxy;
  private Http http;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"));
    proxy = new FaultProxy(server.port());
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  private String pushOne() throws Exception {
    Path dir = tmp.resolve("src");
    write(dir, "a.txt", "retried content");
    return ok("push", dir.toString(), "--producer", "p", "--json", "--server",
        server.baseUrl()).json().getString("id");
  }

  private static long retryLines(Run r) {
    return r.err().lines().filter(l -> l.contains("; retry ")).count();
  }

  @Test
  @DisplayName("connection refused: retried --retries times, each retry reported, then exit 3")
  void connectionRefused() throws Exception {
    int port = CliRunner.closedPort();
    Run r = run("ls", "--retries", "2", "--server", "http://127.0.0.1:" + port);
    assertEquals(3, r.code(), r.err());
    assertEquals(2, retryLines(r), r.err());
    assertTrue(r.err().contains("connection refused; retry 1 of 2 in 0.5 s"), r.err());
    assertTrue(r.err().contains("retry 2 of 2 in 1.0 s"), r.err());
    assertTrue(r.err().contains("tried 3 times"), r.err());
  }

  @Test
  @DisplayName("a connection closed during a GET's answer is retried and the command succeeds")
  void brokenIdempotent() throws Exception {
    String id = pushOne();
    proxy.cutResponse("GET", "/v1/packages/" + id, 2, 10);
    Run r = ok("show", id, "--json", "--server", proxy.baseUrl());
    assertEquals(id, r.json().getString("id"));
    assertEquals(2, retryLines(r), r.err());
    assertTrue(r.err().contains("connection broken"), r.err());
    assertEquals(3, proxy.seen().stream().filter(("GET /v1/packages/" + id)::equals).count(),
        proxy.seen().toString());
  }

  @Test
  @DisplayName("--retries 0: a broken answer fails at once, exit 1, no retry")
  void noRetries() throws Exception {
    String id = pushOne();
    proxy.cutResponse("GET", "/v1/packages/" + id, 1, 0);
    Run r = run("show", id, "--retries", "0", "--server", proxy.baseUrl());
    assertEquals(1, r.code(), r.err());
    assertEquals(0, retryLines(r), r.err());
  }

  @Test
  @DisplayName("503 with Retry-After on package creation (not idempotent) is waited for and "
      + "retried: one package, finalized")
  void serviceUnavailableRetryAfter() throws Exception {
    Path dir = tmp.resolve("ra");
    write(dir, "x.txt", "x");
    proxy.answer("POST", "/v1/packages", 1, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1");
    long started = System.nanoTime();
    Run r = ok("push", dir.toString(), "--producer", "retry-after", "--json", "--server",
        proxy.baseUrl());
    assertTrue(System.nanoTime() - started >= 1_000_000_000L, "waited for Retry-After");
    assertTrue(r.err().contains("server answered 503 with Retry-After 1.0 s; retry 1 of 3 in "
        + "1.0 s"), r.err());
    assertEquals(1, http.get("/v1/packages?producer=retry-after").json().getJsonArray("items")
        .size());
    assertEquals("finalized", http.get("/v1/packages/" + r.json().getString("id")).json()
        .getString("status"));
  }

  @Test
  @DisplayName("a 502 on package creation is not retried (the server may have acted); a 500 on "
      + "a download is")
  void serverErrors() throws Exception {
    Path dir = tmp.resolve("se");
    write(dir, "x.txt", "x");
    proxy.answer("POST", "/v1/packages", 1, "HTTP/1.1 502 Bad Gateway");
    Run refused = run("push", dir.toString(), "--producer", "p", "--server", proxy.baseUrl());
    assertEquals(1, refused.code(), refused.err());
    assertEquals(0, retryLines(refused), refused.err());
    assertEquals(1, proxy.count("POST", "/v1/packages"));

    String id = pushOne();
    proxy.answer("GET", "/files/a.txt", 1, "HTTP/1.1 500 Internal Server Error");
    Run got = ok("get", id, "a.txt", "-o", tmp.resolve("a.txt").toString(), "--server",
        proxy.baseUrl());
    assertEquals(1, retryLines(got), got.err());
    assertTrue(got.err().contains("server answered 500"), got.err());
  }

  @Test
  @DisplayName("507 Insufficient Storage, 501 and 505 on a download are not retried (repeating "
      + "the request would get the same answer): exit 1 at once, one request")
  void notTransientServerErrors() throws Exception {
    String id = pushOne();
    for (String status : new String[] {"507 Insufficient Storage", "501 Not Implemented",
        "505 HTTP Version Not Supported"}) {
      long before = proxy.count("GET", "/files/a.txt");
      proxy.answer("GET", "/files/a.txt", 1, "HTTP/1.1 " + status);
      Run r = run("get", id, "a.txt", "-o", tmp.resolve("a.txt").toString(), "--server",
          proxy.baseUrl());
      assertEquals(1, r.code(), status + ": " + r.err());
      assertEquals(0, retryLines(r), status + ": " + r.err());
      assertEquals(before + 1, proxy.count("GET", "/files/a.txt"), status);
    }
  }

  @Test
  @DisplayName("an upload reset before its body is sent again; bytes_sent counts it once")
  void uploadReset() throws Exception {
    Path dir = tmp.resolve("up");
    CliRunner.randomFile(dir.resolve("big.bin"), 300_000, 9);
    proxy.reset("PUT", "/files/big.bin", 1);
    Run r = ok("push", dir.toString(), "--producer", "p", "--json", "--server",
        proxy.baseUrl());
    JsonObject j = r.json();
    assertEquals(300_000, j.getLong("bytes_sent"));
    assertEquals(1, retryLines(r), r.err());
    assertEquals(2, proxy.count("PUT", "/files/big.bin"));
    assertFalse(r.err().contains("left unfinalized"), r.err());
    assertEquals("finalized", http.get("/v1/packages/" + j.getString("id")).json()
        .getString("status"));
  }
}
