package io.artifactstore.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary folders of shared test fixtures (S3Proxy, embedded PostgreSQL). */
public final class TempFolders {

  private TempFolders() {}

  /**
   * Removes {@code dir} and everything under it, as far as it can: for shutdown hooks, where a
   * folder left behind is only wasted space.
   */
  public static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // wasted space, nothing worse
    }
  }
}
