package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.LogCapture;
import io.artifactstore.support.MutableClock;
import io.artifactstore.support.RawHttp;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestS3;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No download commits its status line before its bytes are open: content the registry lists
 * but storage does not hold is a clean error with its own status, never a 200 cut short.
 */
class DownloadIntegrityTest {

  @TempDir
  Path dir;

  static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  record Stored(String pkg, String sha256, String file) {}

  static Stored upload(Http http, byte[] content) {
    String pkg = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\"}").json()
        .getString("id");
    JsonObject f = http.put("/v1/packages/" + pkg + "/files/f.bin", content).json();
    assertEquals(200, http.postJson("/v1/packages/" + pkg + "/finalize", "{}").status());
    return new Stored(pkg, f.getString("sha256"), "/v1/packages/" + pkg + "/files/f.bin");
  }

  /** GET, HEAD and a ranged GET of the file and of the blob: all 503 with the JSON error. */
  static void assertCleanStorageError(TestServer server, Http http, Stored s) throws Exception {
    for (String url : new String[] {s.file(), "/v1/blobs/sha256/" + s.sha256()}) {
      Http.Response get = http.get(url);
      assertEquals(503, get.status(), url + ": " + get.text());
      assertEquals("storage_unavailable", get.errorCode());
      Http.Response ranged = http.get(url, "Range", "bytes=10-20");
      assertEquals(503, ranged.status(), url);
      assertEquals(503, http.head(url).status(), url);
      // Read off the wire: the declared length is the length sent.
      RawHttp.Answer raw = RawHttp.request(server.port(), "GET " + url
          + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      assertEquals(503, raw.status());
      assertEquals(Integer.parseInt(raw.header("Content-Length")), raw.body().length);
    }
  }

  @Test
  @DisplayName("local backend: an object removed behind the server's back is 503 storage_unavailable, never a truncated 200")
  void localObjectGone() throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(server.baseUrl());
      byte[] content = random(300_000);
      Stored s = upload(http, content);
      assertArrayEquals(content, http.get(s.file()).body(), "served (and cached) while stored");
      Path object = dir.resolve("blobs/sha256").resolve(s.sha256().substring(0, 2))
          .resolve(s.sha256().substring(2, 4)).resolve(s.sha256());
      assertTrue(Files.deleteIfExists(object), object + " existed");
      assertCleanStorageError(server, http, s);
    }
  }

  @Test
  @DisplayName("local backend: an object shorter than recorded is 503, never a short 200")
  void localObjectTruncated() throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(server.baseUrl());
      Stored s = upload(http, random(200_000));
      Path object = dir.resolve("blobs/sha256").resolve(s.sha256().substring(0, 2))
          .resolve(s.sha256().substring(2, 4)).resolve(s.sha256());
      Files.write(object, random(1000));
      Http.Response r = http.get(s.file());
      assertEquals(503, r.status());
      assertEquals("storage_unavailable", r.errorCode());
    }
  }

  @Test
  @DisplayName("s3 backend: an object shorter than recorded is 503, never a short 200")
  void s3ObjectTruncated() throws Exception {
    JsonObject s3 = TestS3.get().backendOptions();
    String bucket = s3.getString("bucket");
    Consumer<JsonObject> tweak = json -> json.getJsonObject("storage")
        .put("default_backend", "s3").getJsonObject("backends").put("s3", s3);
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, tweak);
        LogCapture log = LogCapture.start()) {
      Http http = new Http(server.baseUrl());
      Stored s = upload(http, random(300_000));
      for (String key : TestS3.get().keys(bucket, "")) {
        TestS3.get().client().putObject(b -> b.bucket(bucket).key(key),
            software.amazon.awssdk.core.async.AsyncRequestBody.fromBytes(random(1000))).join();
      }
      log.clear();
      assertCleanStorageError(server, http, s);
      List<String> logged = log.warningsOrStackTraces();
      assertTrue(logged.stream().allMatch(l -> l.contains("storage failure") && !l.contains("[")),
          "one line per failure, no stack trace: " + logged);
    }
  }

  @Test
  @DisplayName("a reference cached by one server whose package another server deleted and reclaimed is 410, never stale bytes")
  void staleCachedReferenceAcrossServers() throws Exception {
    MutableClock clock = new MutableClock();
    String url = TestDatabases.newDatabase(TestDatabases.Kind.POSTGRESQL, dir);
    // Two servers on one root: on purpose, so declared (else the second is refused).
    Consumer<JsonObject> shared = json -> {
      json.getJsonObject("database").put("url", url);
      json.getJsonObject("storage").getJsonObject("backends").getJsonObject("local")
          .put("shared_filesystem", true);
    };
    try (TestServer a = TestServer.start(TestDatabases.Kind.POSTGRESQL, dir, shared);
        TestServer b = TestServer.start(TestDatabases.Kind.POSTGRESQL, dir, shared, clock)) {
      Http viaA = new Http(a.baseUrl());
      Http viaB = new Http(b.baseUrl());
      String pkg = viaA.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\","
          + "\"retention_class\":\"transient\"}").json().getString("id");
      byte[] content = random(100_000);
      viaA.put("/v1/packages/" + pkg + "/files/f.bin", content);
      assertEquals(200, viaA.postJson("/v1/packages/" + pkg + "/finalize", "{}").status());
      String file = "/v1/packages/" + pkg + "/files/f.bin";
      assertArrayEquals(content, viaA.get(file).body(), "A caches the reference");
      clock.advance(Duration.ofDays(30));
      // B deletes and reclaims; A hears nothing of it (the invalidation is B's own).
      assertEquals(200, viaB.send("DELETE", "/v1/packages/" + pkg,
          java.net.http.HttpRequest.BodyPublishers.noBody()).status());
      JsonObject sweep = viaB.postJson("/v1/retention/sweep?dry_run=false", "{}").json();
      assertTrue(sweep.getJsonObject("reclaimed").getInteger("blobs") >= 0, sweep.encode());
      awaitMissing(dir.resolve("blobs/sha256"));
      Http.Response r = viaA.get(file);
      assertEquals(410, r.status(), r.text());
      assertEquals("package_deleted", r.errorCode());
    }
  }

  /** Waits until no object is left under {@code root} (B reclaims in the background too). */
  static void awaitMissing(Path root) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (java.util.stream.Stream<Path> s = Files.exists(root) ? Files.walk(root)
          : java.util.stream.Stream.empty()) {
        if (s.noneMatch(Files::isRegularFile)) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the reclaimed object is still under " + root);
  }

  @Test
  @DisplayName("s3 backend: an object removed from the bucket is 503 storage_unavailable, never a truncated 200")
  void s3ObjectGone() throws Exception {
    JsonObject s3 = TestS3.get().backendOptions();
    String bucket = s3.getString("bucket");
    Consumer<JsonObject> tweak = json -> json.getJsonObject("storage")
        .put("default_backend", "s3").getJsonObject("backends").put("s3", s3);
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, tweak)) {
      Http http = new Http(server.baseUrl());
      byte[] content = random(300_000);
      Stored s = upload(http, content);
      assertArrayEquals(content, http.get(s.file()).body());
      for (String key : TestS3.get().keys(bucket, "")) {
        TestS3.get().client().deleteObject(b -> b.bucket(bucket).key(key)).join();
      }
      assertCleanStorageError(server, http, s);
    }
  }
}
