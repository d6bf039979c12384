package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSelectionTest {

  @TempDir
  Path dir;

  @BeforeEach
  void tree() throws Exception {
    for (String f : List.of("a.txt", "b.log", "keep.log", "sub/c.txt", "sub/deep/d.txt",
        "raw/x.bin", "logs/run.log", "logs/old/r.txt", "x/logs", ".git/config",
        "sub/.git/HEAD", "a", "b", "{a,b}", "ab.c")) {
      touch(f);
    }
    Files.createDirectories(dir.resolve("empty/inner"));
  }

  private void touch(String rel) throws Exception {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, rel);
  }

  private List<String> paths(List<String> inc, List<String> exc) {
    return new FileSelection(inc, exc).walk(dir).files().stream()
        .map(FileSelection.Entry::path).toList();
  }

  @Test
  @DisplayName("gitignore rules: **/ also matches at the top, a name matches at any depth, a "
      + "leading or middle / anchors, a trailing / takes folders only, ! negates, last wins")
  void gitignoreRules() {
    assertEquals(List.of("a.txt", "logs/old/r.txt", "sub/c.txt", "sub/deep/d.txt"),
        paths(List.of("**/*.txt"), List.of()));
    assertEquals(paths(List.of("**/*.txt"), List.of()), paths(List.of("*.txt"), List.of()));
    assertEquals(List.of("a.txt"), paths(List.of("/a.txt"), List.of()));
    assertEquals(List.of("sub/deep/d.txt"), paths(List.of("sub/deep/*"), List.of()));
    assertEquals(List.of("logs/old/r.txt", "logs/run.log"), paths(List.of("logs/"), List.of()),
        "a folder pattern takes everything under it, and not the file x/logs");
    assertEquals(List.of("logs/old/r.txt", "logs/run.log", "x/logs"),
        paths(List.of("logs"), List.of()));
    assertEquals(List.of("keep.log", "logs/run.log"),
        paths(List.of("*.log", "!b.log"), List.of()));
    assertEquals(List.of("a", "a.txt", "ab.c", "b", "keep.log", "raw/x.bin", "sub/c.txt",
        "sub/deep/d.txt", "x/logs", "{a,b}"),
        paths(List.of(), List.of(".git", "*.log", "!keep.log", "logs/")));
    assertEquals(List.of("ab.c"), paths(List.of("[a-c]b.?"), List.of()));
    assertEquals(List.of("{a,b}"), paths(List.of("{a,b}"), List.of()),
        "braces are not alternatives in gitignore rules");
    assertEquals(List.of("a.txt", "sub/c.txt"),
        paths(List.of("*.txt"), List.of("deep/", "logs/")));
  }

  @Test
  @DisplayName("empty folders and the folders holding what is taken are listed")
  void folders() {
    FileSelection.Listing all = new FileSelection(List.of(), List.of(".git")).walk(dir);
    assertEquals(List.of("empty/inner"), all.emptyDirs());
    assertEquals(List.of("empty", "empty/inner", "logs", "logs/old", "raw", "sub", "sub/deep",
        "x"), all.dirs());
    FileSelection.Listing txt = new FileSelection(List.of("sub/**"), List.of(".git")).walk(dir);
    assertEquals(List.of("sub", "sub/deep"), txt.dirs());
  }

  @Test
  @DisplayName("push --dry-run lists what would be sent and never contacts the server")
  void dryRun() throws Exception {
    int closed = CliRunner.closedPort();
    String server = "http://127.0.0.1:" + closed;
    CliRunner.Run human = CliRunner.ok("push", dir.toString(), "--producer", "p",
        "--include", "**/*.txt", "--dry-run", "--server", server);
    assertTrue(human.out().contains("sub/deep/d.txt  14"), human.out());
    assertTrue(human.out().contains("dry run: 4 files"), human.out());
    JsonObject j = CliRunner.ok("push", dir.toString(), "--producer", "p", "--include",
        "**/*.txt", "--dry-run", "--json", "--server", server).json();
    assertEquals(4, j.getInteger("file_count"));
    JsonArray files = j.getJsonArray("files");
    assertEquals(new JsonObject().put("path", "a.txt").put("size", 5), files.getJsonObject(0));
    assertTrue(j.getBoolean("dry_run"));
  }
}
