package io.artifactstore.cli.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A download in progress, kept beside its destination {@code FILE}: {@code FILE.part} holds the
 * first bytes received and {@code FILE.part.etag} the strong ETag of the version they belong to,
 * as the answer that sent them gave it. Only such a pair is resumed, with that ETag in
 * {@code If-Range}; anything else found there (a part without its ETag, a weak ETag, a part
 * left by an older client) is discarded and the download starts from zero. The destination is
 * only replaced by a complete, verified part.
 */
final class PartialDownload {

  /** The suffix of the part file. */
  static final String PART = ".part";
  /** The suffix of the file holding the part's ETag. */
  static final String ETAG = ".part.etag";

  /** A part that can be resumed: its length in bytes and the ETag of its version. */
  record Resumable(long length, String etag) {}

  private final Path data;
  private final Path etagFile;

  private PartialDownload(Path out) {
    Path abs = out.toAbsolutePath();
    String name = abs.getFileName().toString();
    this.data = abs.resolveSibling(name + PART);
    this.etagFile = abs.resolveSibling(name + ETAG);
  }

  static PartialDownload of(Path out) {
    return new PartialDownload(out);
  }

  Path data() {
    return data;
  }

  /**
   * The part to resume, if a non-empty part and a strong ETag are both there; otherwise any
   * leftover is removed and the answer is empty.
   */
  Optional<Resumable> resumable() throws IOException {
    if (Files.isRegularFile(data, LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(etagFile, LinkOption.NOFOLLOW_LINKS)) {
      String etag = Files.readString(etagFile, StandardCharsets.UTF_8).trim();
      long length = Files.size(data);
      if (length > 0 && strong(etag)) {
        return Optional.of(new Resumable(length, etag));
      }
    }
    discard();
    return Optional.empty();
  }

  /**
   * Begins a part from zero for the version with {@code etag} (null when the answer had no
   * strong ETag: the part is then not resumable). The ETag is written first, so that a part on
   * disk never has another version's ETag beside it.
   */
  void start(String etag) throws IOException {
    Files.deleteIfExists(etagFile);
    Files.write(data, new byte[0]);
    if (etag != null && strong(etag)) {
      Path tmp = etagFile.resolveSibling(etagFile.getFileName() + ".tmp");
      Files.writeString(tmp, etag + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, etagFile, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** Moves the verified part over {@code out} and forgets its ETag. */
  void complete(Path out) throws IOException {
    Files.move(data, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(etagFile);
  }

  /** Removes the part and its ETag. */
  void discard() throws IOException {
    Files.deleteIfExists(data);
    Files.deleteIfExists(etagFile);
  }

  /** A strong entity tag: a quoted string without the {@code W/} prefix (RFC 9110 8.8.3). */
  static boolean strong(String etag) {
    return etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"");
  }
}
