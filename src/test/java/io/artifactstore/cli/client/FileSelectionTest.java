package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSelectionTest {

  @TempDir
  Path dir;

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
  @DisplayName("globs: a name pattern matches at any depth, a path pattern the whole path")
  void globs() throws Exception {
    for (String f : List.of("a.txt", "b.log", "sub/c.txt", "sub/deep/d.txt", "raw/x.bin",
        ".git/config", "sub/.git/HEAD")) {
      touch(f);
    }
    Files.createDirectories(dir.resolve("empty/inner"));
    assertEquals(List.of("a.txt", "b.log", "raw/x.bin", "sub/c.txt", "sub/deep/d.txt"),
        paths(List.of(), List.of(".git")));
    assertEquals(List.of("a.txt", "sub/c.txt", "sub/deep/d.txt"),
        paths(List.of("*.txt"), List.of()));
    assertEquals(List.of("raw/x.bin", "sub/deep/d.txt"),
        paths(List.of("raw/**", "sub/deep/*"), List.of()));
    assertEquals(List.of("a.txt", "b.log", "raw/x.bin"),
        paths(List.of(), List.of("sub", ".git")));
    assertEquals(List.of("empty/inner"),
        new FileSelection(List.of(), List.of()).walk(dir).emptyDirs());
  }
}
