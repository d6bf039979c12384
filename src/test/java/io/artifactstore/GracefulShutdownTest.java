package io.artifactstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.ServerProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on a server process with an upload in flight: it stops accepting at once, lets the
 * upload finish within {@code http.shutdown_grace} or cancels it cleanly past it, stops its
 * parts in the reverse order of their start, and exits 0.
 */
class GracefulShutdownTest {

  @TempDir
  Path dir;

  static final int SIZE = 2_000_000;

  JsonObject config(String grace) {
    JsonObject c = ServerProcess.config("sqlite:" + dir.resolve("db.sqlite"), dir.resolve("blobs"));
    c.getJsonObject("http").put("shutdown_grace", grace);
    return c;
  }

  /** An upload whose body is half sent once the server has accepted it (100 Continue). */
  static Socket startUpload(int port, String url, byte[] body) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(120_000);
    OutputStream out = s.getOutputStream();
    out.write(("PUT " + url + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
        + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String interim = new String(s.getInputStream().readNBytes(25), StandardCharsets.ISO_8859_1);
    assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);
    out.write(body, 0, body.length / 2);
    out.flush();
    return s;
  }

  /** Polls until a new connection to {@code port} is refused. */
  static void awaitNotAccepting(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      } catch (ConnectException refused) {
        return;
      } catch (IOException other) {
        // a connection reset or timeout: not yet settled, look again
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the server still accepts connections 60 s after SIGTERM");
  }

  long temporaryFiles() throws IOException {
    Path uploads = dir.resolve("blobs/_uploads");
    if (!Files.exists(uploads)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(uploads)) {
      return s.count();
    }
  }

  @Test
  @DisplayName("an upload in flight at SIGTERM finishes within the grace period; the server stops accepting, is unready while it drains, and exits 0")
  void uploadFinishesWithinGrace() throws Exception {
    byte[] body = new byte[SIZE];
    new Random(1).nextBytes(body);
    String id;
    String url;
    int managementPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      managementPort = free.getLocalPort();
    }
    JsonObject withManagement = config("PT60S").put("management", new JsonObject()
        .put("enabled", true).put("host", "127.0.0.1").put("port", managementPort));
    try (ServerProcess server = ServerProcess.start(dir, withManagement, "first")) {
      Http management = new Http("http://127.0.0.1:" + managementPort);
      assertEquals(200, management.get("/health/ready").status());
      Http http = new Http(server.baseUrl());
      id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
          .getString("id");
      url = "/v1/packages/" + id + "/files/in-flight.bin";
      try (Socket upload = startUpload(server.port(), url, body)) {
        server.terminate();
        awaitNotAccepting(server.port());
        // Draining: the load balancer's probe says not ready while the upload finishes.
        Http.Response ready = management.get("/health/ready");
        assertEquals(503, ready.status(), ready.text());
        assertEquals("draining", ready.json().getString("reason"));
        OutputStream out = upload.getOutputStream();
        out.write(body, body.length / 2, body.length - body.length / 2);
        out.flush();
        String status = readStatusLine(upload.getInputStream());
        assertTrue(status.startsWith("HTTP/1.1 201"), status);
      }
      assertEquals(0, server.awaitExit(90), server.log());
      assertTrue(server.log().contains("artifact-store: stopped"), server.log());
      assertFalse(server.log().contains("SEVERE"), server.log());
    }
    assertEquals(0, temporaryFiles());
    try (ServerProcess again = ServerProcess.start(dir, config("PT60S"), "second")) {
      assertArrayEquals(body, new Http(again.baseUrl()).get(url).body(),
          "the upload finished during shutdown is there after a restart");
    }
  }

  @Test
  @DisplayName("an upload still running when the grace period ends is cancelled and leaves nothing; exit 0")
  void uploadPastGraceIsCancelled() throws Exception {
    byte[] body = new byte[SIZE];
    new Random(2).nextBytes(body);
    String url;
    try (ServerProcess server = ServerProcess.start(dir, config("PT2S"), "first")) {
      Http http = new Http(server.baseUrl());
      String id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
          .getString("id");
      url = "/v1/packages/" + id + "/files/cut.bin";
      try (Socket upload = startUpload(server.port(), url, body)) {
        server.terminate();
        // The rest of the body never comes: past the grace period the server closes.
        assertEquals(-1, drain(upload.getInputStream()), "the server closed the connection");
      }
      assertEquals(0, server.awaitExit(90), server.log());
    }
    assertEquals(0, temporaryFiles(), "the cancelled upload left no temporary file");
    try (ServerProcess again = ServerProcess.start(dir, config("PT60S"), "second")) {
      assertEquals(404, new Http(again.baseUrl()).get(url).status());
    }
  }

  /** Reads until the end of the stream; -1 once the peer has closed. */
  static int drain(InputStream in) throws IOException {
    try {
      in.transferTo(OutputStream.nullOutputStream());
      return -1;
    } catch (java.net.SocketException reset) {
      return -1;
    }
  }

  static String readStatusLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      sb.append((char) c);
    }
    return sb.toString().trim();
  }
}
