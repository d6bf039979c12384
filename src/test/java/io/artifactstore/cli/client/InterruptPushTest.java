package io.artifactstore.cli.client;

import static io.artifactstore.cli.client.CliRunner.ok;
import static io.artifactstore.cli.client.CliRunner.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code push} or {@code archive}: the client runs as a child process, a proxy
 * holds the upload of its second file, and the test sends SIGINT once the package exists with
 * the first file recorded. A rerun of the same command resumes that package.
 */
class InterruptPushTest {

  @TempDir
  Path tmp;

  private TestServer server;
  private FaultProxy proxy;
  private Http http;
  private Path dir;
  private Path state;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"));
    proxy = new FaultProxy(server.port());
    http = new Http(server.baseUrl());
    dir = tmp.resolve("out");
    write(dir, "a.txt", "first file");
    CliRunner.randomFile(dir.resolve("b.bin"), 300_000, 21);
    state = tmp.resolve("state");
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  private JsonObject only(String producer) {
    JsonArray items = http.get("/v1/packages?producer=" + producer).json()
        .getJsonArray("items");
    assertEquals(1, items.size(), items.encode());
    return http.get("/v1/packages/" + items.getJsonObject(0).getString("id")).json();
  }

  /**
   * Runs the command as a child, interrupts it while b.bin is held; returns its stderr. Reruns
   * go through the same proxy (without faults), so that they are the same command.
   */
  private String interrupt(String producer, String... command) throws Exception {
    return stop("INT", 130, producer, command);
  }

  /**
   * As {@link #interrupt}, with the signal {@code signal}; the client must exit with
   * {@code status}.
   */
  private String stop(String signal, int status, String producer, String... command)
      throws Exception {
    CountDownLatch held = proxy.hold("POST", "/files/b.bin");
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of("--parallel", "1", "--state-dir", state.toString(), "--server",
        proxy.baseUrl()));
    Path logs = Files.createDirectories(tmp.resolve("child-" + producer));
    Process child = CliRunner.spawn(logs, Map.of(), args.toArray(String[]::new));
    try {
      assertTrue(held.await(60, TimeUnit.SECONDS), "the upload of b.bin reached the proxy");
      JsonObject pkg = only(producer);
      assertEquals(1, pkg.getJsonArray("files").size(), "a.txt is recorded");
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid()))
          .start();
      assertEquals(0, kill.waitFor());
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the client stopped");
      assertEquals(status, child.exitValue(), "the exit status of a process ended by SIG"
          + signal);
    } finally {
      child.destroyForcibly();
    }
    return Files.readString(logs.resolve("stderr.txt"));
  }

  @Test
  @DisplayName("Ctrl-C during push names the unfinished package, how to resume it, and that "
      + "--no-resume leaves it to the server's sweeper; the same push again resumes it, "
      + "skipping the file already there")
  void pushResumes() throws Exception {
    String err = interrupt("ci", "push", dir.toString(), "--producer", "ci");
    String id = only("ci").getString("id");
    assertTrue(err.contains("interrupted: package " + id + " is left unfinished (1 of 2 files "
        + "added)"), err);
    assertTrue(err.contains("run the same command again"), err);
    assertTrue(err.contains("--no-resume starts a new package instead; " + id + " stays "
        + "unfinished (the server has no call to discard it) until the server's sweeper marks "
        + "it failed, retention.abandoned_after after its last change"), err);
    assertFalse(err.contains("to discard it, run"), "--no-resume does not discard: " + err);
    try (Stream<Path> s = Files.list(state.resolve("pushes"))) {
      assertEquals(1, s.count(), "the push is remembered");
    }

    CliRunner.Run again = ok("push", dir.toString(), "--producer", "ci", "--parallel", "1",
        "--state-dir", state.toString(), "--json", "--server", proxy.baseUrl());
    JsonObject r = again.json();
    assertEquals(id, r.getString("id"));
    assertTrue(r.getBoolean("resumed"));
    assertEquals(1, r.getInteger("files_skipped"));
    assertEquals(1, r.getInteger("files_uploaded"));
    assertEquals(300_000, r.getLong("bytes_sent"));
    assertTrue(again.err().contains("resuming the unfinished package " + id), again.err());
    JsonObject pkg = only("ci");
    assertEquals("finalized", pkg.getString("status"));
    assertEquals(2, pkg.getJsonArray("files").size());
    try (Stream<Path> s = Files.list(state.resolve("pushes"))) {
      assertEquals(0, s.count(), "forgotten once finalized");
    }
  }

  @Test
  @DisplayName("SIGTERM during push: the same words on stderr, exit 143 (128 + 15), and the "
      + "same push again resumes the package")
  void sigtermExits143() throws Exception {
    String err = stop("TERM", 143, "term", "push", dir.toString(), "--producer", "term");
    String id = only("term").getString("id");
    assertTrue(err.contains("interrupted: package " + id + " is left unfinished (1 of 2 files "
        + "added)"), err);
    JsonObject r = ok("push", dir.toString(), "--producer", "term", "--parallel", "1",
        "--state-dir", state.toString(), "--json", "--server", proxy.baseUrl()).json();
    assertEquals(id, r.getString("id"));
    assertTrue(r.getBoolean("resumed"));
  }

  @Test
  @DisplayName("--no-resume makes a new package and leaves the unfinished one as it is, to "
      + "the server's sweeper")
  void noResume() throws Exception {
    interrupt("nr", "push", dir.toString(), "--producer", "nr");
    String old = only("nr").getString("id");
    JsonObject r = ok("push", dir.toString(), "--producer", "nr", "--parallel", "1",
        "--state-dir", state.toString(), "--no-resume", "--json", "--server",
        proxy.baseUrl()).json();
    assertNotEquals(old, r.getString("id"));
    assertFalse(r.getBoolean("resumed"));
    assertEquals("uploading", http.get("/v1/packages/" + old).json().getString("status"),
        "left to the sweeper");
  }

  @Test
  @DisplayName("Ctrl-C during archive names the unfinished package; archive again resumes it "
      + "and records it once in the index")
  void archiveResumes() throws Exception {
    String err = interrupt("folder-archive", "archive", dir.toString());
    String id = only("folder-archive").getString("id");
    assertTrue(err.contains("interrupted: package " + id + " is left unfinished"), err);
    assertFalse(Files.exists(dir.resolve(ArchiveIndex.FILE)), "not recorded while unfinished");
    JsonObject r = ok("archive", dir.toString(), "--parallel", "1", "--state-dir",
        state.toString(), "--json", "--server", proxy.baseUrl()).json();
    assertEquals(id, r.getString("package_id"));
    assertEquals(1, Files.readAllLines(dir.resolve(ArchiveIndex.FILE)).size());
    assertEquals("finalized", only("folder-archive").getString("status"));
  }
}
