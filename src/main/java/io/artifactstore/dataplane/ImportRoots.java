package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;

/**
 * Where a co-deployed service may name files to import: under the configured roots
 * ({@code integration.import_roots}, real paths), nowhere else, and never through a symbolic
 * link.
 *
 * <p>The file is opened by walking from the root's directory descriptor one name at a time
 * ({@code openat(2)} with {@code O_NOFOLLOW}, through {@link SecureDirectoryStream}), so a
 * directory or link swapped in while the path is being checked cannot lead the walk outside the
 * root: what is read is what was checked.
 */
final class ImportRoots {

  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private ImportRoots() {}

  /**
   * A regular file opened for reading, the directory it was found in (open, so the file can be
   * looked at again by name relative to it, never by a path from the root) and its attributes
   * when opened. {@link #close} closes both.
   */
  record Opened(SeekableByteChannel channel, SecureDirectoryStream<Path> parent, Path name,
      BasicFileAttributes before, String display) implements AutoCloseable {

    /** The file's attributes now, read by name relative to its directory, links not followed. */
    BasicFileAttributes now() throws IOException {
      return parent.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW)
          .readAttributes();
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // read-only: nothing is lost
      }
      try {
        parent.close();
      } catch (IOException ignored) {
        // a directory descriptor: nothing is lost
      }
    }
  }

  /**
   * Opens {@code raw}, which must name a regular file under one of {@code roots}, for reading.
   * Blocking (it asks the filesystem). Fails with {@code import_path_refused} when importing is
   * off, the path is not absolute, has a {@code .} or {@code ..} segment, is not under any
   * root, passes through a symbolic link or is not a regular file, or cannot be read;
   * {@code import_file_missing} when nothing is there.
   */
  static Opened open(String raw, List<Path> roots) {
    if (roots.isEmpty()) {
      throw refused("importing files is off on this server (integration.import_roots is empty)");
    }
    Path given;
    try {
      given = Path.of(raw);
    } catch (InvalidPathException e) {
      throw refused("'" + printable(raw) + "' is not a path");
    }
    if (!given.isAbsolute()) {
      throw refused("the path must be absolute; got '" + printable(raw) + "'");
    }
    for (Path segment : given) {
      if (segment.toString().equals("..") || segment.toString().equals(".")) {
        throw refused("the path may not contain '.' or '..'; got '" + printable(raw) + "'");
      }
    }
    Path root = roots.stream().filter(r -> given.startsWith(r) && !given.equals(r)).findFirst()
        .orElseThrow(() -> refused("'" + printable(raw) + "' is not under an import root"));
    try {
      return walk(root, root.relativize(given), printable(raw));
    } catch (NoSuchFileException e) {
      throw new ApiException(ErrorCode.IMPORT_FILE_MISSING, "no file at " + printable(raw));
    } catch (FileSystemException e) {
      // ELOOP (a symbolic link met with O_NOFOLLOW), ENOTDIR, EACCES...
      throw refused("'" + printable(raw) + "' cannot be imported: "
          + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()));
    } catch (IOException e) {
      throw refused("'" + printable(raw) + "' cannot be read: " + e.getMessage());
    }
  }

  private static Opened walk(Path root, Path relative, String display) throws IOException {
    DirectoryStream<Path> top = Files.newDirectoryStream(root);
    if (!(top instanceof SecureDirectoryStream<Path> dir)) {
      top.close();
      throw refused("this platform cannot open files relative to a directory, so importing is"
          + " refused");
    }
    SecureDirectoryStream<Path> current = dir;
    try {
      int last = relative.getNameCount() - 1;
      for (int i = 0; i < last; i++) {
        SecureDirectoryStream<Path> next = current.newDirectoryStream(relative.getName(i),
            NOFOLLOW);
        current.close();
        current = next;
      }
      Path name = relative.getName(last);
      BasicFileAttributes attrs = current.getFileAttributeView(name,
          BasicFileAttributeView.class, NOFOLLOW).readAttributes();
      if (attrs.isSymbolicLink()) {
        throw refused("'" + display + "' is a symbolic link; links are not followed");
      }
      if (!attrs.isRegularFile()) {
        throw refused("'" + display + "' is not a regular file");
      }
      SeekableByteChannel channel = current.newByteChannel(name,
          Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
      return new Opened(channel, current, name, attrs, display);
    } catch (IOException | RuntimeException e) {
      current.close();
      throw e;
    }
  }

  private static ApiException refused(String message) {
    return new ApiException(ErrorCode.IMPORT_PATH_REFUSED, message);
  }

  private static String printable(String raw) {
    String s = raw.length() > 512 ? raw.substring(0, 512) + "..." : raw;
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
