package io.artifactstore.cli.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The files of a folder chosen by include and exclude globs, with their logical paths (relative,
 * with {@code /}). A file is taken when it matches at least one include (every file when there
 * is none) and no exclude. A pattern without {@code /} matches a name at any depth (so
 * {@code *.log} takes {@code a/b/x.log}, and {@code .git} excludes every {@code .git} folder);
 * a pattern with {@code /} matches the whole relative path ({@code raw/**}). A folder matched by
 * an exclude is not entered. Symbolic links to files are followed; links to folders are not.
 */
public final class FileSelection {

  /** A chosen file: where it is and its logical path. */
  public record Entry(Path file, String path, long size) {}

  private final List<PathMatcher> includes = new ArrayList<>();
  private final List<String> includePatterns;
  private final List<PathMatcher> excludes = new ArrayList<>();

  public FileSelection(List<String> include, List<String> exclude) {
    this.includePatterns = include == null ? List.of() : List.copyOf(include);
    for (String p : includePatterns) {
      includes.add(matcher(p));
    }
    for (String p : exclude == null ? List.<String>of() : exclude) {
      excludes.add(matcher(p));
    }
  }

  private static PathMatcher matcher(String pattern) {
    if (pattern.isBlank()) {
      throw new ClientException(ExitCodes.USAGE, "an empty glob pattern");
    }
    String p = pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
    boolean anyDepth = !p.contains("/");
    PathMatcher m;
    try {
      m = FileSystems.getDefault().getPathMatcher("glob:" + p);
    } catch (IllegalArgumentException e) {
      throw new ClientException(ExitCodes.USAGE, "invalid glob '" + pattern + "': "
          + e.getMessage());
    }
    return path -> anyDepth ? path.getFileName() != null && m.matches(path.getFileName())
        : m.matches(path);
  }

  /** Whether a relative path (a file or a folder) matches one of the excludes. */
  boolean excluded(Path rel) {
    if (rel.toString().isEmpty()) {
      return false;
    }
    for (PathMatcher m : excludes) {
      if (m.matches(rel)) {
        return true;
      }
    }
    return false;
  }

  boolean included(Path rel) {
    if (includes.isEmpty()) {
      return true;
    }
    for (PathMatcher m : includes) {
      if (m.matches(rel)) {
        return true;
      }
    }
    return false;
  }

  /** An empty folder is kept when an include would take a file directly in it. */
  boolean includesDir(Path rel) {
    return included(rel) || included(rel.resolve("_"));
  }

  /** The result of a walk: files sorted by path, and empty folders (relative, with /). */
  public record Listing(List<Entry> files, List<String> emptyDirs) {

    public long totalBytes() {
      return files.stream().mapToLong(Entry::size).sum();
    }
  }

  /** Walks {@code root}; a missing or unreadable folder is a usage error. */
  public Listing walk(Path root) {
    if (!Files.isDirectory(root)) {
      throw new ClientException(ExitCodes.USAGE, root + " is not a directory");
    }
    Path base = root.toAbsolutePath().normalize();
    List<Entry> files = new ArrayList<>();
    Set<String> emptyDirs = new TreeSet<>();
    try {
      Files.walkFileTree(base, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
            throws IOException {
          Path rel = base.relativize(dir);
          if (excluded(rel)) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          if (!rel.toString().isEmpty() && includesDir(rel)) {
            try (var s = Files.list(dir)) {
              if (s.findAny().isEmpty()) {
                emptyDirs.add(logical(rel));
              }
            }
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
            throws IOException {
          Path rel = base.relativize(file);
          if (excluded(rel) || !included(rel)) {
            return FileVisitResult.CONTINUE;
          }
          if (attrs.isRegularFile()) {
            files.add(new Entry(file, logical(rel), attrs.size()));
          } else if (attrs.isSymbolicLink() && Files.isRegularFile(file)) {
            files.add(new Entry(file, logical(rel), Files.size(file)));
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new ClientException(ExitCodes.FAILED, "cannot read " + root + ": " + e.getMessage(),
          e);
    } catch (UncheckedIOException e) {
      throw new ClientException(ExitCodes.FAILED, "cannot read " + root + ": " + e.getMessage(),
          e);
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    return new Listing(files, List.copyOf(emptyDirs));
  }

  public List<String> includePatterns() {
    return includePatterns;
  }

  static String logical(Path rel) {
    StringBuilder sb = new StringBuilder();
    for (Path p : rel) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(p.toString());
    }
    return sb.toString();
  }
}
