package io.artifactstore.storage.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.storage.StorageException;
import io.artifactstore.support.Http;
import io.artifactstore.support.ServerProcess;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server per local root: a running server's lock file keeps a second one off its root, in
 * the same JVM and from another process, unless {@code shared_filesystem} says that several
 * servers share it; offline commands (fsck) run beside a server.
 *
 * <p>A test never reads the lock file of a server running in this JVM: closing any descriptor of
 * the file would drop the JVM's lock on it (POSIX), so it is read only for server processes.
 */
class OneServerPerRootTest {

  private static final String KEY = "storage.backends.local.shared_filesystem";

  @TempDir
  Path dir;

  @Test
  @DisplayName("in one JVM, a second server on the root is refused in one line naming the root, the owner and the key, removing none of the first's uploads; once the first stops, it starts")
  void secondServerInProcess() throws Exception {
    Path root = dir.resolve("a").resolve("blobs");
    Consumer<JsonObject> onTheRoot = json -> local(json).put("root", root.toString());
    Path inFlight;
    try (TestServer first = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("a"))) {
      inFlight = Files.write(root.resolve(LocalBackend.UPLOADS).resolve("in-flight.upload"),
          new byte[10]);
      StorageException refused = assertThrows(StorageException.class,
          () -> TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("b"), onTheRoot));
      String message = refused.getMessage();
      assertTrue(message.startsWith("storage root " + root + " is in use by another server"),
          message);
      assertTrue(message.contains("pid " + ProcessHandle.current().pid() + ","), message);
      assertTrue(message.contains(root.resolve(RootLock.FILE).toString()), message);
      assertTrue(message.contains(KEY), message);
      assertFalse(message.contains("\n"), message);
      assertTrue(Files.exists(inFlight), "the refused server removed an upload of the first");
      assertEquals(200, new Http(first.baseUrl()).get("/health").status(),
          "the first server still serves");
    }
    try (TestServer second = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("b"),
        onTheRoot)) {
      assertFalse(Files.exists(inFlight), "the owner of the root removes unfinished uploads");
      assertEquals(200, new Http(second.baseUrl()).get("/health").status());
    }
  }

  @Test
  @DisplayName("a server that fails to start after claiming the root gives it up")
  void failedStartGivesTheRootUp() {
    Path root = dir.resolve("blobs");
    Consumer<JsonObject> onTheRoot = json -> local(json).put("root", root.toString());
    RuntimeException failed = assertThrows(RuntimeException.class,
        () -> TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("a"), onTheRoot.andThen(
            json -> json.getJsonObject("attestations").put("signing_keys_file",
                write(dir.resolve("bad-keys"), "not a key\n").toString()))));
    assertTrue(String.valueOf(failed.getMessage()).contains("bad-keys"), failed.toString());
    assertTrue(Files.exists(root.resolve(RootLock.FILE)), "the root was claimed first");
    try (TestServer next = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("b"),
        onTheRoot)) {
      assertEquals(200, new Http(next.baseUrl()).get("/health").status());
    }
  }

  @Test
  @DisplayName("as processes: a stale lock file is taken over; fsck runs beside the server; a second serve exits 1 naming the owner and the key; a clean stop marks the file, and the next server takes it")
  void processes() throws Exception {
    Path root = Files.createDirectories(dir.resolve("blobs"));
    Path lockFile = root.resolve(RootLock.FILE);
    Files.writeString(lockFile, "{\"format\":1,\"backend\":\"local\",\"host\":\"gone\","
        + "\"pid\":1,\"started\":\"2020-01-01T00:00:00Z\"}\n");
    JsonObject config = ServerProcess.config(
        TestDatabases.newDatabase(TestDatabases.Kind.SQLITE, dir), root);
    Path inFlight;
    try (ServerProcess first = ServerProcess.start(dir, config, "first")) {
      JsonObject owner = new JsonObject(Files.readString(lockFile));
      assertEquals(first.pid(), owner.getLong("pid"), owner.encode());
      assertEquals(RootLock.FORMAT, owner.getInteger("format"));
      assertEquals(root.toString(), owner.getString("root"));
      assertEquals("local", owner.getString("backend"));
      assertFalse(owner.getString("host").isBlank());
      assertTrue(owner.containsKey("started"), owner.encode());
      assertFalse(owner.containsKey("listening"), "port 0: the address is not known yet");
      assertTrue(first.log().contains("did not stop cleanly (host gone, pid 1"), first.log());

      inFlight = Files.write(root.resolve(LocalBackend.UPLOADS).resolve("in-flight.upload"),
          new byte[10]);
      String[] fsck = ServerProcess.run(dir, config, "fsck", "fsck");
      assertEquals("0", fsck[0], fsck[1]);
      assertTrue(fsck[1].contains("clean"), fsck[1]);
      assertTrue(Files.exists(inFlight), "fsck removed an upload in flight");

      String[] second = ServerProcess.run(dir, config, "second", "serve");
      assertEquals("1", second[0], second[1]);
      String line = second[1].lines().filter(l -> l.contains("cannot start")).findFirst()
          .orElseThrow(() -> new AssertionError(second[1]));
      assertTrue(line.startsWith("artifact-store: cannot start: storage root " + root), line);
      assertTrue(line.contains("host " + owner.getString("host") + ", pid " + first.pid()
          + ", started " + owner.getString("started")), line);
      assertTrue(line.contains(KEY), line);

      first.terminate();
      assertEquals(0, first.awaitExit(60), first.log());
    }
    JsonObject stopped = new JsonObject(Files.readString(lockFile));
    assertTrue(stopped.containsKey("stopped"), "the file stays, marked: " + stopped.encode());
    try (ServerProcess next = ServerProcess.start(dir, config, "next")) {
      assertEquals(next.pid(), new JsonObject(Files.readString(lockFile)).getLong("pid"));
      assertFalse(next.log().contains("did not stop cleanly"), next.log());
      assertFalse(Files.exists(inFlight), "the owner of the root removes unfinished uploads");
    }
  }

  @Test
  @DisplayName("with shared_filesystem and one PostgreSQL database, two servers serve one root: no lock file, neither removes uploads at start, each serves what the other stored")
  void sharedFilesystem() throws Exception {
    String url = TestDatabases.newDatabase(TestDatabases.Kind.POSTGRESQL, dir);
    Path root = dir.resolve("blobs");
    Consumer<JsonObject> shared = json -> {
      json.getJsonObject("database").put("url", url);
      local(json).put("root", root.toString()).put("shared_filesystem", true);
    };
    try (TestServer a = TestServer.start(TestDatabases.Kind.POSTGRESQL,
        Files.createDirectories(dir.resolve("a")), shared)) {
      Path inFlight = Files.write(root.resolve(LocalBackend.UPLOADS).resolve("in-flight.upload"),
          new byte[10]);
      try (TestServer b = TestServer.start(TestDatabases.Kind.POSTGRESQL,
          Files.createDirectories(dir.resolve("b")), shared)) {
        assertTrue(Files.exists(inFlight), "a shared server removed an upload at start");
        assertFalse(Files.exists(root.resolve(RootLock.FILE)));
        Http viaA = new Http(a.baseUrl());
        Http viaB = new Http(b.baseUrl());
        String pkg = viaA.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\"}")
            .json().getString("id");
        byte[] content = new byte[50_000];
        new Random(7).nextBytes(content);
        assertEquals(201, viaA.put("/v1/packages/" + pkg + "/files/f.bin", content).status());
        assertArrayEquals(content, viaB.get("/v1/packages/" + pkg + "/files/f.bin").body());
      }
    }
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonObject local(JsonObject json) {
    return json.getJsonObject("storage").getJsonObject("backends").getJsonObject("local");
  }
}
