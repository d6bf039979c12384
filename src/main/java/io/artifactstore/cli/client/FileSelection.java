package io.artifactstore.cli.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The files of a folder chosen by include and exclude patterns, with their logical paths
 * (relative, with {@code /}). Both lists follow the rules of a {@code .gitignore} at the root
 * ({@link IgnoreRules}). A file is taken when an include matches it or a folder above it (every
 * file when there is no include) and no exclude matches it; a folder an exclude matches is not
 * entered. Symbolic links are never followed into folders; a link to a file is read through
 * ({@link #walk}) or kept as a link ({@link #walkKeepingLinks}).
 */
public final class FileSelection {

  /** A chosen file: where it is, its logical path, its size in bytes. */
  public record Entry(Path file, String path, long size) {}

  /** A chosen symbolic link: where it is, its logical path, its target as written. */
  public record Link(Path file, String path, String target) {}

  private final IgnoreRules includes;
  private final IgnoreRules excludes;

  /** Include and exclude patterns (gitignore rules); an invalid one is a usage error. */
  public FileSelection(List<String> include, List<String> exclude) {
    this.includes = new IgnoreRules(include == null ? List.of() : include);
    this.excludes = new IgnoreRules(exclude == null ? List.of() : exclude);
  }

  boolean excluded(String rel, boolean directory) {
    return !rel.isEmpty() && excludes.matchesItself(rel, directory);
  }

  boolean included(String rel, boolean directory) {
    return includes.isEmpty() || includes.matches(rel, directory);
  }

  /** An empty folder is kept when an include takes it or would take a file directly in it. */
  boolean includesDir(String rel) {
    return included(rel, true) || included(rel + "/_", false);
  }

  /**
   * The result of a walk, each list sorted by path: files; symbolic links kept as links (only
   * from {@link #walkKeepingLinks}); empty folders; and every folder that holds a chosen entry
   * or is an empty folder chosen, outermost first.
   */
  public record Listing(List<Entry> files, List<Link> links, List<String> emptyDirs,
      List<String> dirs) {

    public long totalBytes() {
      return files.stream().mapToLong(Entry::size).sum();
    }
  }

  /** Walks {@code root}, reading links to files as the files they point to. */
  public Listing walk(Path root) {
    return walk(root, false);
  }

  /** Walks {@code root}, keeping every symbolic link as a link, never followed. */
  public Listing walkKeepingLinks(Path root) {
    return walk(root, true);
  }

  private Listing walk(Path root, boolean keepLinks) {
    if (!Files.isDirectory(root)) {
      throw new ClientException(ExitCodes.USAGE, root + " is not a directory");
    }
    Path base = root.toAbsolutePath().normalize();
    List<Entry> files = new ArrayList<>();
    List<Link> links = new ArrayList<>();
    Set<String> emptyDirs = new TreeSet<>();
    try {
      Files.walkFileTree(base, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              String rel = logical(base.relativize(dir));
              if (excluded(rel, true)) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              if (!rel.isEmpty() && includesDir(rel)) {
                try (var s = Files.list(dir)) {
                  if (s.findAny().isEmpty()) {
                    emptyDirs.add(rel);
                  }
                }
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String rel = logical(base.relativize(file));
              if (excluded(rel, false) || !included(rel, false)) {
                return FileVisitResult.CONTINUE;
              }
              if (attrs.isRegularFile()) {
                files.add(new Entry(file, rel, attrs.size()));
              } else if (attrs.isSymbolicLink() && keepLinks) {
                links.add(new Link(file, rel, Files.readSymbolicLink(file).toString()));
              } else if (attrs.isSymbolicLink() && Files.isRegularFile(file)) {
                files.add(new Entry(file, rel, Files.size(file)));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | UncheckedIOException e) {
      throw new ClientException(ExitCodes.FAILED, "cannot read " + root + ": " + e.getMessage(),
          e);
    }
    files.sort((a, b) -> a.path().compareTo(b.path()));
    links.sort((a, b) -> a.path().compareTo(b.path()));
    Set<String> dirs = new TreeSet<>(emptyDirs);
    files.forEach(f -> addParents(dirs, f.path()));
    links.forEach(l -> addParents(dirs, l.path()));
    emptyDirs.forEach(d -> addParents(dirs, d));
    return new Listing(files, links, List.copyOf(emptyDirs), List.copyOf(dirs));
  }

  private static void addParents(Set<String> dirs, String path) {
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      dirs.add(path.substring(0, i));
    }
  }

  public List<String> includePatterns() {
    return includes.patterns();
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
