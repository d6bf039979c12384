package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies that stall or trickle are cut off with 408 and leave nothing; uploads beyond the
 * concurrency bound are 503 {@code too_many_uploads} with {@code Retry-After}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadLimitsTest {

  Path dir;
  TestServer server;
  Http http;

  @BeforeAll
  void start(@TempDir Path tempDir) {
    dir = tempDir;
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json -> json.getJsonObject("http")
        .put("upload_idle_timeout", "PT1S").put("upload_rate_window", "PT2S")
        .put("upload_min_bytes_per_second", 100_000).put("max_concurrent_uploads", 2));
    http = new Http(server.baseUrl());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  String newPackage() {
    return http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
        .getString("id");
  }

  /** A PUT whose headers are sent and accepted (100 Continue); the body is the caller's. */
  Socket accepted(String url, long length) throws IOException {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout(60_000);
    s.getOutputStream().write(("PUT " + url + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
        + length + "\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    String interim = new String(s.getInputStream().readNBytes(25), StandardCharsets.ISO_8859_1);
    assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);
    return s;
  }

  static String readAll(InputStream in) throws IOException {
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (java.net.SocketException reset) {
      return "";
    }
  }

  static String statusLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      sb.append((char) c);
    }
    return sb.toString().trim();
  }

  /** PUTs {@code body} until it is not refused for the upload bound, for at most 60 s. */
  Http.Response putOnceASlotIsFree(String url, byte[] body) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    Http.Response answer;
    do {
      answer = http.put(url, body);
    } while (answer.status() == 503 && System.nanoTime() < deadline);
    return answer;
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
  @DisplayName("a body from which nothing arrives for the idle timeout is cut off with 408 and leaves nothing")
  void stalledBody() throws Exception {
    String url = "/v1/packages/" + newPackage() + "/files/stalled.bin";
    try (Socket s = accepted(url, 1_000_000)) {
      s.getOutputStream().write(new byte[10]);
      s.getOutputStream().flush();
      String answer = readAll(s.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.contains("\"request_timeout\""), answer);
      assertTrue(answer.toLowerCase().contains("connection: close"), answer);
    }
    assertEquals(0, temporaryFiles());
    assertEquals(404, http.get(url).status());
  }

  @Test
  @DisplayName("a body that trickles below the minimum rate is cut off with 408 and leaves nothing")
  void tricklingBody() throws Exception {
    String url = "/v1/packages/" + newPackage() + "/files/trickle.bin";
    try (Socket s = accepted(url, 1_000_000)) {
      // The slow client: a byte every 20 ms, far below 100,000 bytes/s, until it is cut off.
      Thread trickle = new Thread(() -> {
        try {
          OutputStream out = s.getOutputStream();
          for (int i = 0; i < 100_000; i++) {
            out.write(i);
            out.flush();
            Thread.sleep(20);
          }
        } catch (IOException | InterruptedException cut) {
          // cut off: what the test waits for
        }
      });
      trickle.start();
      String answer = readAll(s.getInputStream());
      trickle.interrupt();
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(answer.contains("bytes/s"), answer);
    }
    assertEquals(0, temporaryFiles());
    assertEquals(404, http.get(url).status());
  }

  @Test
  @DisplayName("an upload beyond max_concurrent_uploads is 503 too_many_uploads with Retry-After, before its body is read")
  void concurrencyBound() throws Exception {
    String id = newPackage();
    byte[] body = new byte[1000];
    try (Socket first = accepted("/v1/packages/" + id + "/files/1.bin", body.length);
        Socket second = accepted("/v1/packages/" + id + "/files/2.bin", body.length)) {
      Http.Response third = http.put("/v1/packages/" + id + "/files/3.bin", body);
      assertEquals(503, third.status(), third.text());
      assertEquals("too_many_uploads", third.errorCode());
      assertEquals("1", third.header("Retry-After"));
      first.getOutputStream().write(body);
      String status = statusLine(first.getInputStream());
      assertTrue(status.startsWith("HTTP/1.1 201"), "the first upload goes on: " + status);
    }
    // Both slots are free again once those uploads ended (one finished, one was cut off).
    Http.Response again = putOnceASlotIsFree("/v1/packages/" + id + "/files/3.bin", body);
    assertEquals(201, again.status(), again.text());
  }

  @Test
  @DisplayName("a client that sends its body without waiting for 100 Continue may finish sending and reads the refusal")
  void refusalReachesAClientThatDidNotWait() throws Exception {
    String id = newPackage();
    byte[] small = new byte[1000];
    byte[] large = new byte[16 * 1024 * 1024];
    AtomicReference<IOException> sendFailure = new AtomicReference<>();
    try (Socket first = accepted("/v1/packages/" + id + "/files/1.bin", small.length);
        Socket second = accepted("/v1/packages/" + id + "/files/2.bin", small.length);
        Socket third = new Socket("127.0.0.1", server.port())) {
      third.setSoTimeout(60_000);
      // Headers and the whole body at once, as a client does once it stops waiting for 100.
      Thread sender = new Thread(() -> {
        try {
          OutputStream out = third.getOutputStream();
          out.write(("PUT /v1/packages/" + id + "/files/3.bin HTTP/1.1\r\nHost: localhost\r\n"
              + "Content-Length: " + large.length + "\r\nExpect: 100-continue\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          out.write(large);
          out.flush();
        } catch (IOException e) {
          sendFailure.set(e);
        }
      });
      sender.start();
      sender.join(60_000);
      // A server that closed at once, with the body still coming, reset the connection: the
      // client's writes fail, and on a real network the answer may be lost with them.
      assertNull(sendFailure.get(), "the body could not be sent: " + sendFailure.get());
      String answer = readAll(third.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 503"), "the refusal, got: " + answer);
      assertTrue(answer.contains("too_many_uploads"), answer);
    }
    // The slots are free again once the two held uploads are seen gone.
    Http.Response again = putOnceASlotIsFree("/v1/packages/" + id + "/files/4.bin", small);
    assertEquals(201, again.status(), again.text());
  }
}
