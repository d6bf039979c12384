package io.artifactstore.cli.client;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where each entry of a package and its archive tree goes under the restore root, found by
 * checks that all pass before anything is written, so that a refused tree leaves no trace.
 *
 * <p>An entry (file, folder or link) with one of the archive's own links among its parents is
 * refused: {@code archive} never enters a link, so an honest tree has none, and links are
 * created after the checks, in the order the tree lists them, where a check of the path as text
 * could not see where the kernel would put the entry (with {@code d -> .}, {@code d/l} is
 * {@code l} in the root). Then every path goes through {@link SafePaths} (no way out as text,
 * nor through a link already on disk; a link may replace a link at its own path) and every
 * link target through {@link LinkTargets}. Last, each path must be one kind of entry, and what
 * the target holds already ({@code --force}) must leave room for it: a clash found only when
 * the entry is written would leave the restore half done.
 */
final class RestorePlan {

  /** Files by logical path, in the manifest's order. */
  final Map<String, Path> files = new LinkedHashMap<>();
  /** Folders by logical path, sorted: a folder comes before what it holds. */
  final Map<String, Path> dirs = new TreeMap<>();
  /** Links by logical path, in the tree's order. */
  final Map<String, Path> links = new LinkedHashMap<>();
  /** The target of each link, as recorded. */
  final Map<String, String> targets = new LinkedHashMap<>();

  private RestorePlan() {}

  /** Checks every entry; a {@link ClientException} (exit 1) names the first refused. */
  static RestorePlan check(Path root, Collection<String> filePaths,
      Collection<String> dirPaths, JsonObject links) throws IOException {
    RestorePlan plan = new RestorePlan();
    for (String l : links.fieldNames()) {
      plan.targets.put(l, links.getJsonObject(l).getString("target", ""));
    }
    for (Collection<String> paths : List.of(filePaths, dirPaths,
        plan.targets.keySet())) {
      for (String p : paths) {
        plan.refuseUnderLink(p);
      }
    }
    for (String f : filePaths) {
      plan.files.put(f, SafePaths.resolve(root, f));
    }
    for (String d : dirPaths) {
      plan.dirs.put(d, SafePaths.resolve(root, d));
    }
    for (Map.Entry<String, String> l : plan.targets.entrySet()) {
      Path at = SafePaths.resolveLink(root, l.getKey());
      if (l.getValue().isEmpty() || !LinkTargets.inside(root, l.getKey(), l.getValue(),
          plan.targets)) {
        throw new ClientException(ExitCodes.FAILED, "refusing to restore the link '"
            + l.getKey() + "' -> '" + l.getValue() + "': it points outside the target");
      }
      plan.links.put(l.getKey(), at);
    }
    plan.checkKinds();
    plan.checkDisk(root);
    return plan;
  }

  /** Each path is one kind of entry, and only folders hold entries. */
  private void checkKinds() {
    Map<String, String> kinds = new HashMap<>();
    dirs.keySet().forEach(d -> kinds.put(d, "folder"));
    for (Map.Entry<String, Map<String, Path>> k : Map.of("file", files, "link", links)
        .entrySet()) {
      for (String p : k.getValue().keySet()) {
        String before = kinds.put(p, k.getKey());
        if (before != null) {
          throw refuse(p, "it is listed both as a " + before + " and as a " + k.getKey());
        }
      }
    }
    for (String p : kinds.keySet()) {
      for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
        if ("file".equals(kinds.get(p.substring(0, i)))) {
          throw refuse(p, "'" + p.substring(0, i) + "' is a file of the package");
        }
      }
    }
  }

  /**
   * What is in the target already ({@code --force}) leaves room for each entry: no folder where
   * a file or link goes (a file or link there is replaced), no file where a folder goes, nor
   * among an entry's folders. (A link there was refused by {@link SafePaths}.)
   */
  private void checkDisk(Path root) {
    Path base = root.toAbsolutePath().normalize();
    for (Map.Entry<String, Path> f : files.entrySet()) {
      if (Files.isDirectory(f.getValue(), LinkOption.NOFOLLOW_LINKS)) {
        throw refuse(f.getKey(), "a folder is in its place");
      }
    }
    for (Map.Entry<String, Path> l : links.entrySet()) {
      if (Files.isDirectory(l.getValue(), LinkOption.NOFOLLOW_LINKS)) {
        throw new ClientException(ExitCodes.FAILED, "cannot restore the link '" + l.getKey()
            + "': a folder is in its place");
      }
    }
    for (Map.Entry<String, Path> d : dirs.entrySet()) {
      if (Files.exists(d.getValue(), LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(d.getValue(), LinkOption.NOFOLLOW_LINKS)) {
        throw new ClientException(ExitCodes.FAILED, "cannot restore the folder '" + d.getKey()
            + "': a file is in its place");
      }
    }
    for (Map<String, Path> entries : List.of(files, dirs, links)) {
      for (Map.Entry<String, Path> e : entries.entrySet()) {
        for (Path q = e.getValue().getParent(); !q.equals(base); q = q.getParent()) {
          if (Files.exists(q, LinkOption.NOFOLLOW_LINKS)
              && !Files.isDirectory(q, LinkOption.NOFOLLOW_LINKS)) {
            throw refuse(e.getKey(), "'" + base.relativize(q) + "' in the target is a file");
          }
        }
      }
    }
  }

  private static ClientException refuse(String logical, String why) {
    return new ClientException(ExitCodes.FAILED, "cannot restore '" + logical + "': " + why);
  }

  private void refuseUnderLink(String logical) {
    for (int i = logical.indexOf('/'); i > 0; i = logical.indexOf('/', i + 1)) {
      String parent = logical.substring(0, i);
      if (targets.containsKey(parent)) {
        throw new ClientException(ExitCodes.FAILED, "refusing to restore '" + logical
            + "': the archive's link '" + parent + "' is among its parents (an archive never "
            + "records what is inside a link)");
      }
    }
  }
}
