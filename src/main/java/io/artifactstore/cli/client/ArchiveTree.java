package io.artifactstore.cli.client;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The tree an archive records beside its files, and how restore applies it:
 * {@code {"files": {path: {mode, mtime}}, "dirs": {path: {mode, mtime}}, "links": {path:
 * {target, mtime}}}}. {@code dirs} holds every folder that holds something archived, and the
 * empty folders taken; {@code links} the symbolic links, with their targets as written, never
 * followed. {@code mode} is the nine POSIX permission bits in octal ({@code "0750"}; no setuid,
 * setgid or sticky bit; absent where the file system has no POSIX permissions), {@code mtime}
 * an ISO-8601 instant at the file system's precision. Archives of format v1 recorded folders
 * only when empty, as {@code empty_dirs}; they are read the same way.
 */
final class ArchiveTree {

  private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ};

  private ArchiveTree() {}

  /** The tree of a walk under {@code base}, read from the file system now. */
  static JsonObject record(Path base, FileSelection.Listing listing) throws IOException {
    JsonObject files = new JsonObject();
    for (FileSelection.Entry e : listing.files()) {
      files.put(e.path(), attributes(e.file()));
    }
    JsonObject dirs = new JsonObject();
    for (String d : listing.dirs()) {
      dirs.put(d, attributes(base.resolve(d)));
    }
    JsonObject links = new JsonObject();
    for (FileSelection.Link l : listing.links()) {
      links.put(l.path(), new JsonObject().put("target", l.target()).put("mtime",
          Files.getLastModifiedTime(l.file(), LinkOption.NOFOLLOW_LINKS).toInstant().toString()));
    }
    return new JsonObject().put("files", files).put("dirs", dirs).put("links", links);
  }

  /** Every folder of a tree: {@code dirs}, or {@code empty_dirs} of a v1 archive. */
  static JsonObject dirs(JsonObject tree) {
    JsonObject d = tree.getJsonObject("empty_dirs", new JsonObject()).copy();
    return d.mergeIn(tree.getJsonObject("dirs", new JsonObject()));
  }

  static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  static JsonObject attributes(Path p) throws IOException {
    JsonObject a = new JsonObject();
    if (posix()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p,
          LinkOption.NOFOLLOW_LINKS);
      int m = 0;
      for (int i = 0; i < BITS.length; i++) {
        if (perms.contains(BITS[i])) {
          m |= 1 << i;
        }
      }
      a.put("mode", String.format("%04o", m));
    }
    a.put("mtime", Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant()
        .toString());
    return a;
  }

  static Set<PosixFilePermission> permissions(String mode) {
    int m;
    try {
      m = Integer.parseInt(mode, 8);
    } catch (NumberFormatException e) {
      throw new ClientException(ExitCodes.FAILED, "invalid mode '" + mode + "' in the tree");
    }
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((m & (1 << i)) != 0) {
        perms.add(BITS[i]);
      }
    }
    return perms;
  }

  /** Gives a file or folder its recorded mtime, then its mode (a mode may forbid writing). */
  static void apply(Path p, JsonObject attrs) throws IOException {
    if (attrs == null) {
      return;
    }
    if (attrs.getString("mtime") != null) {
      Files.setLastModifiedTime(p, FileTime.from(Instant.parse(attrs.getString("mtime"))));
    }
    if (attrs.getString("mode") != null && posix()) {
      Files.setPosixFilePermissions(p, permissions(attrs.getString("mode")));
    }
  }

  /** Gives a symbolic link itself (not its target) its recorded mtime. */
  static void applyToLink(Path link, JsonObject attrs) throws IOException {
    if (attrs != null && attrs.getString("mtime") != null) {
      Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(Instant.parse(attrs.getString("mtime"))), null, null);
    }
  }
}
