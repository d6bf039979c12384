package io.artifactstore.cli.client;

import static io.artifactstore.cli.client.CliRunner.run;
import static io.artifactstore.cli.client.CliRunner.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tests' runner keeps the client's resume records out of the home folder. */
class StateDirTest {

  @TempDir
  Path tmp;

  private TestServer server;
  private FaultProxy proxy;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"));
    proxy = new FaultProxy(server.port());
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close();
  }

  /** The resume records under {@code stateDir} that name package {@code id}. */
  private static List<Path> recordsOf(Path stateDir, String id) throws IOException {
    Path pushes = stateDir.resolve("pushes");
    if (!Files.isDirectory(pushes)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(pushes)) {
      return s.filter(p -> {
        try {
          return id.equals(new JsonObject(Files.readString(p)).getString("package_id"));
        } catch (Exception e) {
          return false;
        }
      }).toList();
    }
  }

  @Test
  @DisplayName("a push the runner starts without --state-dir, left unfinished, is remembered in "
      + "the runner's temporary state folder and not in the client's default one (under the "
      + "home folder)")
  void resumeRecordInTemporaryFolder() throws Exception {
    Path dir = tmp.resolve("src");
    write(dir, "a.txt", "kept unfinished");
    // The add of a.txt is refused: the package stays unfinished and its record stays.
    proxy.answer("POST", "/files/a.txt", 1, "HTTP/1.1 400 Bad Request");
    CliRunner.Run r = run("push", dir.toString(), "--producer", "guard", "--server",
        proxy.baseUrl());
    assertEquals(1, r.code(), r.err());
    JsonArray items = new Http(server.baseUrl()).get("/v1/packages?producer=guard").json()
        .getJsonArray("items");
    assertEquals(1, items.size(), items.encode());
    String id = items.getJsonObject(0).getString("id");
    assertTrue(r.err().contains("package " + id + " left unfinished"), r.err());

    assertEquals(1, recordsOf(CliRunner.stateDir(), id).size(), "in the runner's folder");
    assertEquals(List.of(), recordsOf(PushState.stateDir(null), id),
        "nothing in " + PushState.stateDir(null));
  }
}
