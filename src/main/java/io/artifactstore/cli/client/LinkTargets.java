package io.artifactstore.cli.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Whether a symbolic link to be restored would point inside the target folder. The target is
 * resolved as the kernel would, one segment at a time from the root: the link's own folder
 * first, then the target ({@code ..} may not climb above the root), and every link met on the
 * way is followed, the archive's own links (not created yet) and links already on disk alike,
 * at most {@link #MAX_HOPS} of them. An absolute target must lie inside the root. A dangling
 * target inside the root is allowed.
 */
final class LinkTargets {

  /** Links followed before giving up, as the kernel's limit (ELOOP). */
  static final int MAX_HOPS = 40;

  private LinkTargets() {}

  /**
   * True when the link at {@code linkPath} (logical, relative to {@code root}) with
   * {@code target} resolves inside {@code root}; {@code links} are the archive's links.
   */
  static boolean inside(Path root, String linkPath, String target, Map<String, String> links)
      throws IOException {
    List<String> cur = new ArrayList<>();
    Deque<String> todo = new ArrayDeque<>();
    if (!push(root, target, cur, todo)) {
      return false;
    }
    if (!target.startsWith("/")) {
      // The folder's path is text too: through a link (d -> . makes d/l the root's l) it is
      // elsewhere, so it is walked like the target. Restore refuses such entries anyway.
      String[] folder = linkPath.split("/");
      for (int i = folder.length - 2; i >= 0; i--) {
        todo.push(folder[i]);
      }
    }
    int hops = 0;
    while (!todo.isEmpty()) {
      String seg = todo.pop();
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (cur.isEmpty()) {
          return false;
        }
        cur.remove(cur.size() - 1);
        continue;
      }
      cur.add(seg);
      String p = String.join("/", cur);
      String next = links.get(p);
      Path onDisk = root.resolve(p);
      if (next == null && Files.isSymbolicLink(onDisk)) {
        next = Files.readSymbolicLink(onDisk).toString();
      }
      if (next != null) {
        if (++hops > MAX_HOPS) {
          return false;
        }
        cur.remove(cur.size() - 1);
        if (!push(root, next, cur, todo)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Puts the segments of {@code target} in front of {@code todo}; false if it leaves root. */
  private static boolean push(Path root, String target, List<String> cur, Deque<String> todo) {
    String rel = target;
    if (target.startsWith("/")) {
      Path abs = Path.of(target).normalize();
      if (!abs.startsWith(root)) {
        return false;
      }
      cur.clear();
      rel = root.relativize(abs).toString();
    }
    String[] segs = rel.split("/");
    for (int i = segs.length - 1; i >= 0; i--) {
      todo.push(segs[i]);
    }
    return true;
  }
}
