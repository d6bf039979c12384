package io.artifactstore.cli.client;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a logical path from the server may be written under a local folder. Anything that could
 * land outside the folder is refused, whatever the server sends: absolute paths, backslashes,
 * empty, {@code .} or {@code ..} segments, NUL, a result outside the folder after
 * normalization, and a way through a symbolic link already in the folder.
 */
public final class SafePaths {

  private SafePaths() {}

  /** The file {@code logical} names under {@code root}; a {@link ClientException} if unsafe. */
  public static Path resolve(Path root, String logical) {
    Path p = resolveFolders(root, logical);
    if (Files.isSymbolicLink(p)) {
      throw refuse(logical, "is a symbolic link in the target");
    }
    return p;
  }

  /**
   * Where a symbolic link {@code logical} is (re)made under {@code root}: the same checks, but
   * for its last segment, which may be a link already (one an earlier restore made): it is
   * replaced by the new link, never followed.
   */
  public static Path resolveLink(Path root, String logical) {
    return resolveFolders(root, logical);
  }

  private static Path resolveFolders(Path root, String logical) {
    if (logical == null || logical.isEmpty()) {
      throw refuse(logical, "empty path");
    }
    if (logical.startsWith("/") || logical.indexOf('\\') >= 0 || logical.indexOf('\0') >= 0) {
      throw refuse(logical, "absolute path, backslash or NUL");
    }
    for (String seg : logical.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw refuse(logical, "empty, '.' or '..' segment");
      }
    }
    Path base = root.toAbsolutePath().normalize();
    Path p = base.resolve(logical).normalize();
    if (!p.startsWith(base) || p.equals(base)) {
      throw refuse(logical, "resolves outside the target");
    }
    for (Path q = p.getParent(); q != null && q.startsWith(base) && !q.equals(base);
        q = q.getParent()) {
      if (Files.isSymbolicLink(q)) {
        throw refuse(logical, "goes through the symbolic link " + base.relativize(q));
      }
    }
    return p;
  }

  private static ClientException refuse(String logical, String why) {
    return new ClientException(ExitCodes.FAILED,
        "refusing to write '" + logical + "': " + why);
  }
}
