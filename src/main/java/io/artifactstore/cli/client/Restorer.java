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
import java.util.List;
import java.util.Map;

/**
 * Writes a package's files under a folder and re-creates what its archive tree recorded, in an
 * order that lets every recorded attribute survive: every entry is checked before anything is
 * written, the root folder included ({@link RestorePlan}); then the folders are created, the
 * files downloaded, verified, moved into place and given their mode and mtime, the links
 * created with their targets and mtimes, and last the folders' modes and mtimes, innermost
 * first, so that nothing written afterwards changes them. Right before each write the folder
 * it goes in is resolved by the system ({@link Path#toRealPath}) and must be inside the root:
 * what the checks saw may have changed since.
 */
final class Restorer {

  /** What was restored. */
  record Result(int files, long bytes, int dirs, int links) {}

  private final Downloader downloader;
  private final String id;
  private final Path root;
  private Path realRoot;

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
    RestorePlan plan = RestorePlan.check(root,
        files.stream().map(f -> f.getString("path")).toList(), dirs.fieldNames(), links);

    Files.createDirectories(root);
    realRoot = root.toRealPath();
    for (Map.Entry<String, Path> d : plan.dirs.entrySet()) {
      parentInside(d.getValue(), d.getKey());
      Files.createDirectories(d.getValue());
    }
    long bytes = 0;
    for (JsonObject f : files) {
      String path = f.getString("path");
      Path dest = plan.files.get(path);
      makeParent(dest, path);
      Path tmp = Files.createTempFile(realRoot, ".artifact-store-restore-", ".part");
      try {
        downloader.fetchExact(id, path, tmp, f.getLong("size"), f.getString("sha256"),
            progress);
        parentInside(dest, path);
        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      ArchiveTree.apply(dest, fileAttrs.getJsonObject(path));
      bytes += f.getLong("size");
      progress.fileDone();
    }
    for (Map.Entry<String, Path> l : plan.links.entrySet()) {
      Path at = l.getValue();
      // RestorePlan refused a folder here before anything was written; this one came since.
      if (Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        throw new ClientException(ExitCodes.FAILED, "cannot restore the link '" + l.getKey()
            + "': a folder is in its place");
      }
      makeParent(at, l.getKey());
      Files.deleteIfExists(at);
      Files.createSymbolicLink(at, Path.of(plan.targets.get(l.getKey())));
      ArchiveTree.applyToLink(at, links.getJsonObject(l.getKey()));
    }
    List<String> innermostFirst = new ArrayList<>(plan.dirs.keySet());
    innermostFirst.sort(Comparator.reverseOrder());
    for (String d : innermostFirst) {
      ArchiveTree.apply(plan.dirs.get(d), dirs.getJsonObject(d));
    }
    return new Result(files.size(), bytes, plan.dirs.size(), plan.links.size());
  }

  /** Creates the folders {@code at} goes in, checking where they are before and after. */
  private void makeParent(Path at, String logical) throws IOException {
    parentInside(at, logical);
    Files.createDirectories(at.getParent());
    parentInside(at, logical);
  }

  /**
   * Refuses to write {@code at} unless the nearest folder of it that exists now, resolved by the
   * system through any link, is inside the root.
   */
  private void parentInside(Path at, String logical) throws IOException {
    Path q = at.getParent();
    while (!Files.exists(q, LinkOption.NOFOLLOW_LINKS)) {
      q = q.getParent();
    }
    if (!q.toRealPath().startsWith(realRoot)) {
      throw new ClientException(ExitCodes.FAILED, "refusing to write '" + logical
          + "': its folder resolves to " + q.toRealPath() + ", outside the target");
    }
  }

  /** The tree stored as a file of the package ({@code tree_file}), read and verified. */
  JsonObject readTreeFile(JsonObject entry) throws IOException {
    // Read before the checks, and so before anything is written in the target.
    Path tmp = Files.createTempFile("artifact-store-tree-", ".json");
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
