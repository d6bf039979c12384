package io.artifactstore.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.LogCapture;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, for real: the local backend's root is a 16 MiB tmpfs the test mounts (as root,
 * which CI is). Uploads that do not fit are refused with 507 and leave nothing; health says the
 * backend is low on space; reads go on.
 */
class DiskFullTest {

  @TempDir
  Path dir;
  Path mount;

  @BeforeEach
  void mountSmallFilesystem() throws Exception {
    mount = dir.resolve("small");
    Files.createDirectories(mount);
    run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString());
  }

  @AfterEach
  void unmount() throws Exception {
    run("umount", mount.toString());
  }

  static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out
        + " (the disk-full tests mount a tmpfs and need root)");
  }

  @Test
  @DisplayName("an upload that does not fit is 507 insufficient_storage, leaves nothing, logs one line; health degraded; reads go on")
  void diskFull() throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json ->
        json.getJsonObject("storage").getJsonObject("backends").getJsonObject("local")
            .put("root", mount.resolve("blobs").toString())
            .put("min_free_bytes", 8L * 1024 * 1024));
        LogCapture log = LogCapture.start()) {
      Http http = new Http(server.baseUrl());
      String id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
          .getString("id");
      byte[] small = random(2_000_000, 1);
      assertEquals(201, http.put("/v1/packages/" + id + "/files/small.bin", small).status());
      JsonObject healthy = http.get("/health").json();
      assertFalse(healthy.getBoolean("degraded"), healthy.encode());

      for (int i = 0; i < 3; i++) {
        Http.Response big = http.put("/v1/packages/" + id + "/files/big" + i + ".bin",
            random(30_000_000, 2 + i));
        assertEquals(507, big.status(), big.text());
        assertEquals("insufficient_storage", big.errorCode());
        assertEquals(404, http.get("/v1/packages/" + id + "/files/big" + i + ".bin").status());
      }
      assertEquals(0, files(mount.resolve("blobs/_uploads")), "no temporary file is left");
      assertEquals(1, files(mount.resolve("blobs/sha256")), "only the small file is stored");
      List<String> logged = log.warningsOrStackTraces();
      assertEquals(3, logged.size(), logged.toString());
      assertTrue(logged.stream().allMatch(l -> l.contains("storage failure") && !l.contains("[")),
          "one line per refused upload, no stack trace: " + logged);

      assertArrayEquals(small, http.get("/v1/packages/" + id + "/files/small.bin").body(),
          "reads go on");
      // Something else fills the filesystem below the backend's 8 MiB threshold.
      Files.write(mount.resolve("filler"), new byte[10 * 1024 * 1024]);
      Http.Response health = http.get("/health");
      assertEquals(200, health.status(), health.text());
      JsonObject h = health.json();
      assertTrue(h.getBoolean("degraded"), h.encode());
      assertTrue(h.encode().contains("\"low_space\":true"), h.encode());
      String metrics = http.get("/metrics").text();
      assertTrue(metrics.contains("artifactstore_storage_free_bytes{backend=\"local\"}"), metrics);
      assertTrue(metrics.contains("artifactstore_http_errors_total{code=\"insufficient_storage\"} 3.0"),
          metrics);
    }
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static long files(Path root) throws Exception {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).count();
    }
  }
}
