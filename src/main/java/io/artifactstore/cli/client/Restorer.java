package io.artifactstore.cli.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a package's files under a folder and re-creates what its archive tree recorded, in an
 * order that lets every recorded attribute survive: every path is checked before anything is
 * written (files, folders and links through {@link SafePaths}, link targets through
 * {@link LinkTargets}); then the folders are created, the files downloaded, verified, moved into
 * place and given their mode and mtime, the links created with their targets and mtimes, and
 * last the folders' modes and mtimes, innermost first, so that nothing written afterwards
 * changes them.
 */
final class Restorer {

  /** What was restored. */
  record Result(int files, long bytes, int dirs, int links) {}

  private final Downloader downloader;
  private final String id;
  private final Path root;

  Restorer(Downloader downloader, String id, Path root) {
    this.downloader = downloader;
    this.id = id;
    this.root = root;
  }

  /**
   * Restores {@code files} (manifest entries) with the attributes of {@code tree} ({@code null}
   * when the package has none).
   */
  Result restore(List<JsonObject> files, JsonObject tree, Progress progress)
      throws IOException {
    JsonObject t = tree == null ? new JsonObject() : tree;
    JsonObject fileAttrs = t.getJsonObject("files", new JsonObject());
    JsonObject dirs = ArchiveTree.dirs(t);
    JsonObject links = t.getJsonObject("links", new JsonObject());

    Map<String, Path> dests = new LinkedHashMap<>();
    for (JsonObject f : files) {
      dests.put(f.getString("path"), SafePaths.resolve(root, f.getString("path")));
    }
    Map<String, Path> dirDests = new LinkedHashMap<>();
    for (String d : dirs.fieldNames().stream().sorted().toList()) {
      dirDests.put(d, SafePaths.resolve(root, d));
    }
    Map<String, String> targets = new LinkedHashMap<>();
    for (String l : links.fieldNames()) {
      targets.put(l, links.getJsonObject(l).getString("target", ""));
    }
    Map<String, Path> linkDests = new LinkedHashMap<>();
    for (Map.Entry<String, String> l : targets.entrySet()) {
      Path at = SafePaths.resolve(root, l.getKey());
      if (l.getValue().isEmpty() || !LinkTargets.inside(root, l.getKey(), l.getValue(),
          targets)) {
        throw new ClientException(ExitCodes.FAILED, "refusing to restore the link '"
            + l.getKey() + "' -> '" + l.getValue() + "': it points outside the target");
      }
      linkDests.put(l.getKey(), at);
    }

    Files.createDirectories(root);
    for (Path d : dirDests.values()) {
      Files.createDirectories(d);
    }
    long bytes = 0;
    for (JsonObject f : files) {
      String path = f.getString("path");
      Path dest = dests.get(path);
      Files.createDirectories(dest.getParent());
      Path tmp = Files.createTempFile(root, ".artifact-store-restore-", ".part");
      try {
        downloader.fetchExact(id, path, tmp, f.getLong("size"), f.getString("sha256"),
            progress);
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      ArchiveTree.apply(dest, fileAttrs.getJsonObject(path));
      bytes += f.getLong("size");
      progress.fileDone();
    }
    for (Map.Entry<String, Path> l : linkDests.entrySet()) {
      Path at = l.getValue();
      if (Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        throw new ClientException(ExitCodes.FAILED, "cannot restore the link '" + l.getKey()
            + "': a folder is in its place");
      }
      Files.createDirectories(at.getParent());
      Files.deleteIfExists(at);
      Files.createSymbolicLink(at, Path.of(targets.get(l.getKey())));
      ArchiveTree.applyToLink(at, links.getJsonObject(l.getKey()));
    }
    List<String> innermostFirst = new ArrayList<>(dirDests.keySet());
    innermostFirst.sort(Comparator.reverseOrder());
    for (String d : innermostFirst) {
      ArchiveTree.apply(dirDests.get(d), dirs.getJsonObject(d));
    }
    return new Result(files.size(), bytes, dirDests.size(), linkDests.size());
  }

  /** The tree stored as a file of the package ({@code tree_file}), read and verified. */
  JsonObject readTreeFile(JsonObject entry) throws IOException {
    Path tmp = Files.createTempFile(root, ".artifact-store-tree-", ".part");
    try {
      downloader.fetchExact(id, entry.getString("path"), tmp, entry.getLong("size"),
          entry.getString("sha256"), Progress.start(null, true, "", 0, 0));
      return new JsonObject(Files.readString(tmp));
    } catch (DecodeException e) {
      throw new ClientException(ExitCodes.FAILED, "the archive's tree file is not JSON");
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
