package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkTargetsTest {

  @TempDir
  Path root;

  @Test
  @DisplayName("the link's own folder is resolved through the archive's links: with d -> ., "
      + "d/l -> ../evil is the root's l pointing above the root")
  void folderResolvedThroughLinks() throws Exception {
    Map<String, String> links = Map.of("d", ".", "d/l", "../evil");
    assertFalse(LinkTargets.inside(root, "d/l", "../evil", links));
    assertFalse(LinkTargets.inside(root, "a/b/l", "../../evil",
        Map.of("a", ".", "a/b", ".", "a/b/l", "../../evil")));
  }

  @Test
  @DisplayName("links in plain folders resolve from their folder, as before")
  void plainFolders() throws Exception {
    assertTrue(LinkTargets.inside(root, "x/y/l", "../../z", Map.of()));
    assertFalse(LinkTargets.inside(root, "x/l", "../../z", Map.of()));
    assertTrue(LinkTargets.inside(root, "x/l", "../cur/v", Map.of("cur", "x")));
    assertTrue(LinkTargets.inside(root, "x/l", root.resolve("y").toString(), Map.of()));
  }
}
