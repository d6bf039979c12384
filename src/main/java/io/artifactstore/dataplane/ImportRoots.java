package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a co-deployed service may name files to import: under the configured roots
 * ({@code integration.import_roots}, real paths), nowhere else.
 */
final class ImportRoots {

  private ImportRoots() {}

  /**
   * The real path of {@code raw} (symbolic links resolved), a regular file under one of
   * {@code roots}. Blocking (it asks the filesystem). Fails with {@code import_path_refused}
   * when importing is off, the path is not absolute, has a {@code ..} segment, resolves outside
   * every root or is not a regular file; {@code import_file_missing} when nothing is there.
   */
  static Path resolve(String raw, List<Path> roots) {
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
      if (segment.toString().equals("..")) {
        throw refused("the path may not contain '..'; got '" + printable(raw) + "'");
      }
    }
    Path real;
    try {
      real = given.toRealPath();
    } catch (NoSuchFileException e) {
      throw new ApiException(ErrorCode.IMPORT_FILE_MISSING, "no file at " + printable(raw));
    } catch (IOException e) {
      throw refused("'" + printable(raw) + "' cannot be read: " + e.getMessage());
    }
    if (roots.stream().noneMatch(real::startsWith)) {
      throw refused("'" + printable(raw) + "' is not under an import root");
    }
    if (!Files.isRegularFile(real)) {
      throw refused("'" + printable(raw) + "' is not a regular file");
    }
    return real;
  }

  private static ApiException refused(String message) {
    return new ApiException(ErrorCode.IMPORT_PATH_REFUSED, message);
  }

  private static String printable(String raw) {
    String s = raw.length() > 512 ? raw.substring(0, 512) + "..." : raw;
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
