package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafePathsTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("a relative path resolves under the target")
  void resolvesUnderTheTarget() {
    Path p = SafePaths.resolve(dir, "reports/scorecard.html");
    assertEquals(dir.toAbsolutePath().normalize().resolve("reports/scorecard.html"), p);
  }

  @Test
  @DisplayName("paths a hostile or broken server could send are refused")
  void refusesEscapes() {
    for (String bad : new String[] {"a/../../x", "../x", "..", "/etc/passwd", "a//b", "a/./b",
        ".", "", "a\\..\\..\\x", "a/\0b", "a/", "x/.."}) {
      ClientException e = assertThrows(ClientException.class,
          () -> SafePaths.resolve(dir, bad), bad);
      assertEquals(ExitCodes.FAILED, e.exitCode());
      assertTrue(e.getMessage().startsWith("refusing to write"), e.getMessage());
    }
  }

  @Test
  @DisplayName("a path through a symbolic link already in the target is refused")
  void refusesSymlinks() throws Exception {
    Path outside = Files.createTempDirectory("outside");
    Files.createSymbolicLink(dir.resolve("link"), outside);
    assertThrows(ClientException.class, () -> SafePaths.resolve(dir, "link/x"));
    Files.createSymbolicLink(dir.resolve("file-link"), outside.resolve("f"));
    assertThrows(ClientException.class, () -> SafePaths.resolve(dir, "file-link"));
  }

  @Test
  @DisplayName("a link's own path may be a link already (it is replaced, not followed); its "
      + "folders may not")
  void linkPathMayBeALink() throws Exception {
    Path outside = Files.createTempDirectory("outside");
    Files.createSymbolicLink(dir.resolve("old"), outside);
    assertEquals(dir.toAbsolutePath().normalize().resolve("old"),
        SafePaths.resolveLink(dir, "old"));
    assertThrows(ClientException.class, () -> SafePaths.resolveLink(dir, "old/x"));
    assertThrows(ClientException.class, () -> SafePaths.resolveLink(dir, "../x"));
  }
}
