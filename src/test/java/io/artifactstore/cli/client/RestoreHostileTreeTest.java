package io.artifactstore.cli.client;

import static io.artifactstore.cli.client.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archive trees that {@code archive} never writes, made through the real API as a hostile or
 * broken producer could: restore refuses them before it writes anything, and nothing appears
 * outside the target.
 */
class RestoreHostileTreeTest {

  @TempDir
  Path tmp;

  private TestServer server;
  private Http http;
  /** The folder the target is made in: what an escaping link would reach. */
  private Path parent;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(TestDatabases.Kind.SQLITE, tmp.resolve("server"));
    http = new Http(server.baseUrl());
    parent = Files.createDirectories(tmp.resolve("parent"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static JsonObject links(String... pathsAndTargets) {
    JsonObject l = new JsonObject();
    for (int i = 0; i < pathsAndTargets.length; i += 2) {
      l.put(pathsAndTargets[i], new JsonObject().put("target", pathsAndTargets[i + 1]));
    }
    return l;
  }

  /** A finalized package with {@code files} (path to content) and this archive tree. */
  private String archiveWith(Map<String, String> files, JsonObject tree) {
    JsonObject create = new JsonObject().put("producer", "hostile").put("subject", "s")
        .put("metadata", new JsonObject().put("archive", new JsonObject()
            .put("format", ArchiveCommands.FORMAT).put("tree", tree)));
    String id = http.postJson("/v1/packages", create.encode()).json().getString("id");
    for (Map.Entry<String, String> f : files.entrySet()) {
      assertEquals(201, http.put("/v1/packages/" + id + "/files/" + f.getKey(),
          f.getValue().getBytes(StandardCharsets.UTF_8)).status());
    }
    assertEquals(200, http.postJson("/v1/packages/" + id + "/finalize", "{}").status());
    return id;
  }

  /** Restores {@code id} into a new target under {@link #parent}: refused, nothing written. */
  private void refused(String id, String why) throws Exception {
    Path target = parent.resolve("target");
    CliRunner.Run r = run("restore", id, "--target", target.toString(), "--server",
        server.baseUrl());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(why), r.err());
    try (Stream<Path> s = Files.list(parent)) {
      assertEquals(List.of(), s.toList(), "nothing written, not even the target folder");
    }
  }

  @Test
  @DisplayName("a link inside a folder that is an archive link (d -> ., d/l -> ../evil) is "
      + "refused before anything is written; no link to ../evil is made")
  void nestedLinks() throws Exception {
    String id = archiveWith(Map.of("a.txt", "a"), new JsonObject()
        .put("links", links("d", ".", "d/l", "../evil")));
    refused(id, "refusing to restore 'd/l': the archive's link 'd' is among its parents");
  }

  @Test
  @DisplayName("a file inside a folder that is an archive link is refused before anything is "
      + "written, the file and the files beside it alike")
  void fileUnderLinkedFolder() throws Exception {
    String id = archiveWith(Map.of("a.txt", "a", "d/x.txt", "x"), new JsonObject()
        .put("dirs", new JsonObject().put("sub", new JsonObject()))
        .put("links", links("d", "sub")));
    refused(id, "refusing to restore 'd/x.txt': the archive's link 'd' is among its parents");
  }

  @Test
  @DisplayName("a folder inside a folder that is an archive link is refused")
  void folderUnderLinkedFolder() throws Exception {
    String id = archiveWith(Map.of("a.txt", "a"), new JsonObject()
        .put("dirs", new JsonObject().put("d/inner", new JsonObject()))
        .put("links", links("d", ".")));
    refused(id, "refusing to restore 'd/inner': the archive's link 'd' is among its parents");
  }

  @Test
  @DisplayName("links through links (a -> ., a/b -> ., a/b/l -> ../../evil: written as listed "
      + "they would make l beside the target's parent) are refused")
  void linksThroughLinks() throws Exception {
    String id = archiveWith(Map.of("a.txt", "a"), new JsonObject()
        .put("links", links("a", ".", "a/b", ".", "a/b/l", "../../evil")));
    refused(id, "the archive's link 'a' is among its parents");
  }

  @Test
  @DisplayName("a folder swapped for a link to outside while a file downloads into it: the "
      + "file is not moved through the link (the folder is resolved again right before)")
  void folderSwappedDuringDownload() throws Exception {
    String id = archiveWith(Map.of("sub/x.txt", "x".repeat(1000)), new JsonObject());
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path target = parent.resolve("target");
    try (FaultProxy proxy = new FaultProxy(server.port())) {
      FaultProxy.Gate gate = proxy.pauseResponse("GET", "/files/sub/x.txt", 10);
      CompletableFuture<CliRunner.Run> restore = CompletableFuture.supplyAsync(() -> run(
          "restore", id, "--target", target.toString(), "--server", proxy.baseUrl()));
      try {
        assertTrue(gate.reached().await(60, TimeUnit.SECONDS), "the download started");
        Files.delete(target.resolve("sub"));
        Files.createSymbolicLink(target.resolve("sub"), outside);
      } finally {
        gate.release().run();
      }
      CliRunner.Run r = restore.get(60, TimeUnit.SECONDS);
      assertEquals(1, r.code(), r.out() + r.err());
      assertTrue(r.err().contains("refusing to write 'sub/x.txt': its folder resolves to "
          + outside.toRealPath() + ", outside the target"), r.err());
    }
    try (Stream<Path> s = Files.list(outside)) {
      assertEquals(List.of(), s.toList());
    }
  }

  @Test
  @DisplayName("an honest tree with links beside folders still restores")
  void honestTreeRestores() throws Exception {
    String id = archiveWith(Map.of("sub/x.txt", "x"), new JsonObject()
        .put("dirs", new JsonObject().put("sub", new JsonObject()))
        .put("links", links("current", "sub", "sub/self", "x.txt")));
    Path target = parent.resolve("target");
    CliRunner.ok("restore", id, "--target", target.toString(), "--server", server.baseUrl());
    assertEquals(Path.of("sub"), Files.readSymbolicLink(target.resolve("current")));
    assertEquals("x", Files.readString(target.resolve("current/self")));
    assertFalse(Files.exists(parent.resolve("evil")));
  }
}
