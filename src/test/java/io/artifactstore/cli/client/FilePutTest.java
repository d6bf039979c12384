package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's file PUT over a connection of its own, against the real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilePutTest {

  private TestServer server;
  private Http http;
  private Path dir;

  @BeforeAll
  void start(@TempDir Path tmp) {
    dir = tmp;
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"));
    http = new Http(server.baseUrl());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private String newPackage() {
    return http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
        .getString("id");
  }

  private URI uri(String path) {
    return URI.create(server.baseUrl() + path);
  }

  private static JsonObject json(HttpResponse<byte[]> r) {
    return new JsonObject(new String(r.body(), StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("a file sent with sendfile under X-Checksum-Sha256, and one hashed as it is sent:"
      + " 201, and the server's SHA-256 is that of the file and of the bytes sent")
  void sendsTheFile() throws Exception {
    // Not a multiple of the chunk size, so the last piece is a short one.
    Path file = CliRunner.randomFile(dir.resolve("a.bin"), 3 * FilePut.CHUNK + 17, 1);
    String sha = Hashing.sha256(file);
    String id = newPackage();
    AtomicLong sent = new AtomicLong();
    HttpResponse<byte[]> r = FilePut.put(uri(ApiClient.filePath(id, "known.bin")), file,
        List.of("Content-Type", "application/octet-stream", "X-Checksum-Sha256", sha), null,
        sent::addAndGet, null);
    assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertEquals(sha, json(r).getString("sha256"));
    assertEquals(3L * FilePut.CHUNK + 17, sent.get());

    MessageDigest digest = Hashing.newSha256();
    HttpResponse<byte[]> r2 = FilePut.put(uri(ApiClient.filePath(id, "hashed.bin")), file,
        List.of("Content-Type", "application/octet-stream"), digest, n -> { }, null);
    assertEquals(201, r2.statusCode());
    assertEquals(sha, HexFormat.of().formatHex(digest.digest()));
    assertEquals(sha, json(r2).getString("sha256"));
    assertEquals(sha, Hashing.sha256(http.get(ApiClient.filePath(id, "hashed.bin")).body()));
  }

  @Test
  @DisplayName("an answer before the body (Expect: 100-continue), here 404 for an unknown"
      + " package: returned as it is, and no byte of the file is sent")
  void answerBeforeTheBody() throws Exception {
    Path file = CliRunner.randomFile(dir.resolve("b.bin"), 8 * FilePut.CHUNK, 2);
    AtomicLong sent = new AtomicLong();
    HttpResponse<byte[]> r = FilePut.put(
        uri(ApiClient.filePath("01a231ae-aca7-755e-a0ab-f6203a24f262", "x.bin")), file,
        List.of("Content-Type", "application/octet-stream"), null, sent::addAndGet, null);
    assertEquals(404, r.statusCode());
    assertEquals("package_not_found", ApiClient.errorCode(r.body()),
        new String(r.body(), StandardCharsets.UTF_8));
    assertEquals(0, sent.get());
  }

  @Test
  @DisplayName("an empty file: 201 without Expect (RFC 9110 10.1.1: no 100-continue without"
      + " content), the SHA-256 of nothing")
  void emptyFile() throws Exception {
    Path file = java.nio.file.Files.createFile(dir.resolve("empty.bin"));
    HttpResponse<byte[]> r = FilePut.put(uri(ApiClient.filePath(newPackage(), "empty.bin")),
        file, List.of("Content-Type", "application/octet-stream"), Hashing.newSha256(),
        n -> { }, null);
    assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    assertEquals(Hashing.sha256(new byte[0]), json(r).getString("sha256"));
  }

  @Test
  @DisplayName("a file that cannot be read (a directory: EISDIR on the first read) fails the"
      + " upload at once with exit 1 and 'cannot read', without a retry")
  void unreadableFileIsNotRetried() throws Exception {
    Path folder = java.nio.file.Files.createDirectories(dir.resolve("a-folder"));
    java.util.List<String> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
    ApiClient client = new ApiClient(server.baseUrl(), null, null, new Retries(3, reports::add));
    ClientException e = assertThrows(ClientException.class, () -> client.putFile(
        ApiClient.filePath(newPackage(), "f.bin"), folder, null, "application/octet-stream",
        n -> { }));
    assertEquals(ExitCodes.FAILED, e.exitCode());
    assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    assertEquals(List.of(), reports, "no retry was reported");
  }

  @Test
  @DisplayName("a server on an IPv6 literal (http://[::1]:port): Host keeps the brackets once,"
      + " and the file is stored")
  void ipv6Literal(@TempDir Path other) throws Exception {
    TestServer v6 = TestServer.start(TestDatabases.Kind.SQLITE, other,
        json -> json.getJsonObject("http").put("host", "::1"));
    try {
      String base = "http://[::1]:" + v6.port();
      String id = new Http(base).postJson("/v1/packages",
          "{\"producer\":\"p\",\"subject\":\"s\"}").json().getString("id");
      Path file = CliRunner.randomFile(dir.resolve("v6.bin"), 100_000, 6);
      HttpResponse<byte[]> r = FilePut.put(URI.create(base + ApiClient.filePath(id, "v6.bin")),
          file, List.of("Content-Type", "application/octet-stream"), null, n -> { }, null);
      assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
      assertEquals(Hashing.sha256(file), json(r).getString("sha256"));
    } finally {
      v6.close();
    }
  }

  @Test
  @DisplayName("nothing listening: ConnectException, as from the JDK's client (retried and"
      + " reported as unreachable by ApiClient)")
  void connectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path file = CliRunner.randomFile(dir.resolve("e.bin"), 10, 5);
    assertThrows(ConnectException.class, () -> FilePut.put(
        URI.create("http://127.0.0.1:" + port + "/v1/packages/x/files/e.bin"), file,
        List.of(), null, n -> { }, null));
  }
}
