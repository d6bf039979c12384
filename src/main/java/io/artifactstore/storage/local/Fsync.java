package io.artifactstore.storage.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Blocking durability helpers for the local backend. Callers run them on worker threads only.
 *
 * <p>A rename is durable only once the directory holding the new entry is synced, and a newly
 * created directory only once its parent is synced, hence the directory variants.
 */
final class Fsync {

  /** Windows cannot open a directory as a channel; NTFS journals renames itself. */
  private static final boolean DIRECTORY_SYNC =
      !System.getProperty("os.name", "").toLowerCase().startsWith("windows");

  private Fsync() {}

  static void file(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  static void directory(Path dir) throws IOException {
    if (!DIRECTORY_SYNC) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /**
   * Creates {@code dir} and any missing ancestors, then syncs the parent of every directory it
   * created so that the new entries survive a crash.
   */
  static void createDirectories(Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    if (missing.isEmpty()) {
      return;
    }
    Files.createDirectories(dir);
    for (Path created : missing) {
      directory(created.getParent());
    }
  }
}
