package io.artifactstore.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads files to disk in chunks, hashing as it writes. A download goes to a
 * {@link PartialDownload} beside its destination and resumes only against the version whose
 * bytes are there: {@code Range} with {@code If-Range} set to the ETag recorded with the part,
 * never one from a fresh request. A changed file (the server answers 200 to that) restarts from
 * zero. A part that holds the whole file already (answered 416) is checked and completed
 * without a byte downloaded. The whole file's SHA-256 is checked against the answer's
 * {@code ETag} (or {@code Repr-Digest}) before the destination is replaced. A transfer that
 * breaks off is resumed up to {@code --retries} times.
 */
public final class Downloader {

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
  private static final Pattern UNSATISFIED = Pattern.compile("bytes \\*/(\\d+)");
  private static final Pattern REPR_DIGEST = Pattern.compile("sha-256=:([A-Za-z0-9+/=]+):");

  /**
   * What a download did: the file, its size and SHA-256, the offset it resumed from (0 when it
   * did not resume), the bytes received, whether the file was already complete, and whether a
   * part found on disk was discarded (another version, or not resumable).
   */
  public record Result(Path file, long size, String sha256, long resumedFrom, long received,
      boolean alreadyComplete, boolean restarted) {}

  private final ApiClient client;

  public Downloader(ApiClient client) {
    this.client = client;
  }

  /**
   * Makes {@code out} the current content of {@code path} of package {@code id}: resumes a part
   * of the same version, or downloads the whole file; an {@code out} that already holds it is
   * only checked. Throws a {@link ClientException} (exit 1) when the result does not match the
   * server's digest; the part is then removed and {@code out} left as it was.
   */
  public Result fetch(String id, String path, Path out, Progress progress) {
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(out,
        LinkOption.NOFOLLOW_LINKS)) {
      throw new ClientException(ExitCodes.USAGE, out + " exists and is not a regular file");
    }
    Counted counted = new Counted(progress);
    boolean[] restarted = {false};
    return client.retries().transfer("download of " + path,
        () -> fetchOnce(id, path, out, counted.restart(), restarted));
  }

  private Result fetchOnce(String id, String path, Path out, Counted progress,
      boolean[] restarted) throws IOException {
    String url = ApiClient.filePath(id, path);
    PartialDownload part = PartialDownload.of(out);
    boolean hadPart = Files.exists(part.data());
    Optional<PartialDownload.Resumable> resume = part.resumable();
    restarted[0] |= hadPart && resume.isEmpty();
    HttpResponse<InputStream> r = null;
    long have = 0;
    if (resume.isPresent()) {
      PartialDownload.Resumable p = resume.get();
      r = client.stream("GET", url, new String[] {"Range", "bytes=" + p.length() + "-",
          "If-Range", p.etag()}, 416);
      if (r.statusCode() == 416) {
        close(r);
        Optional<Result> whole = wholePart(part, p, r, out, progress, restarted[0]);
        if (whole.isPresent()) {
          return whole.get();
        }
        restarted[0] = true;
        r = null;
      } else if (r.statusCode() == 206 && contentRangeStart(r) == p.length()
          && p.etag().equals(r.headers().firstValue("ETag").orElse(null))) {
        have = p.length();
      } else {
        // Another version (200), or a part that is not a prefix of this one: from zero.
        restarted[0] = true;
        if (r.statusCode() != 200) {
          close(r);
          r = null;
        }
      }
    } else if (Files.isRegularFile(out)) {
      String local = Hashing.sha256(out);
      r = client.stream("GET", url, new String[] {"If-None-Match", "\"" + local + "\""}, 304);
      if (r.statusCode() == 304) {
        close(r);
        long size = Files.size(out);
        progress.add(size);
        return new Result(out, size, local, 0, 0, true, restarted[0]);
      }
    }
    if (r == null) {
      r = client.stream("GET", url, new String[0]);
    }
    String expected = expectedSha256(r).orElseThrow(() -> new ClientException(
        ExitCodes.FAILED, "the server sent no SHA-256 (ETag or Repr-Digest) for " + path));
    long total = r.statusCode() == 206 ? contentRangeTotal(r)
        : r.headers().firstValueAsLong("Content-Length").orElse(-1);
    progress.total(total);
    Hashing h = new Hashing(false);
    if (have > 0) {
      hashFile(part.data(), h, have);
      progress.add(have);
    } else {
      part.start(r.headers().firstValue("ETag").orElse(null));
    }
    long received = copy(r, part.data(), h, progress, path);
    String actual = h.sha256Hex();
    if (!actual.equals(expected) || (total >= 0 && h.size() != total)) {
      part.discard();
      throw new ClientException(ExitCodes.FAILED, "SHA-256 mismatch for " + path + ": expected "
          + expected + ", got " + actual + " (" + h.size() + " bytes); the partial download "
          + "was removed and " + out + " left as it was");
    }
    part.complete(out);
    return new Result(out, h.size(), actual, have, received, false, restarted[0]);
  }

  /**
   * The part as the whole file, when the resume of it was answered 416 with
   * {@code Content-Range: bytes *}{@code /N}, N its length: the part holds every byte (a
   * transfer cut after its last byte, or a client stopped before the rename). The server
   * weighed {@code If-Range} first, so a 416 says the recorded ETag is the current version's;
   * the part becomes {@code out} only if its SHA-256 is that ETag's. Empty otherwise: the part
   * is discarded, and the caller downloads from zero.
   */
  private static Optional<Result> wholePart(PartialDownload part, PartialDownload.Resumable p,
      HttpResponse<?> r, Path out, Counted progress, boolean restarted) throws IOException {
    Matcher m = UNSATISFIED.matcher(r.headers().firstValue("Content-Range").orElse(""));
    String etag = p.etag().substring(1, p.etag().length() - 1);
    boolean sameVersion = r.headers().firstValue("ETag").map(p.etag()::equals).orElse(true);
    if (m.matches() && Long.parseLong(m.group(1)) == p.length() && sameVersion
        && etag.matches("[0-9a-f]{64}")) {
      Hashing h = new Hashing(false);
      hashFile(part.data(), h, p.length());
      if (h.sha256Hex().equals(etag) && h.size() == p.length()) {
        progress.total(p.length());
        progress.add(p.length());
        part.complete(out);
        return Optional.of(new Result(out, p.length(), etag, p.length(), 0, false, restarted));
      }
    }
    part.discard();
    return Optional.empty();
  }

  /**
   * Downloads {@code path} to {@code dest} (created or truncated) and checks its size and
   * SHA-256; returns the SHA-256 and BLAKE3 hex, or throws (exit 1) on a mismatch. A transfer
   * that breaks off starts again from zero.
   */
  public Hashing fetchExact(String id, String path, Path dest, long size, String sha256,
      Progress progress) {
    Counted counted = new Counted(progress);
    Hashing h = client.retries().transfer("download of " + path, () -> {
      Counted c = counted.restart();
      HttpResponse<InputStream> r = client.stream("GET", ApiClient.filePath(id, path),
          new String[0]);
      Files.write(dest, new byte[0]);
      Hashing hh = new Hashing(false);
      copy(r, dest, hh, c, path);
      return hh;
    });
    String actual = h.sha256Hex();
    if (h.size() != size || !actual.equals(sha256)) {
      throw new ClientException(ExitCodes.FAILED, "digest mismatch for " + path + ": expected "
          + size + " bytes sha256:" + sha256 + ", got " + h.size() + " bytes sha256:" + actual);
    }
    return h;
  }

  /** Streams {@code path} through SHA-256 and BLAKE3 without keeping it. */
  public Hashing hashRemote(String id, String path, Progress progress) {
    Counted counted = new Counted(progress);
    return client.retries().transfer("download of " + path, () -> {
      Counted c = counted.restart();
      HttpResponse<InputStream> r = client.stream("GET", ApiClient.filePath(id, path),
          new String[0]);
      Hashing h = new Hashing(true);
      try (InputStream in = r.body()) {
        byte[] buf = new byte[Hashing.CHUNK];
        int n;
        while ((n = in.read(buf)) > 0) {
          h.update(buf, 0, n);
          c.add(n);
        }
      } catch (IOException e) {
        throw new Retries.TransferInterrupted("download of " + path + " broke off after "
            + h.size() + " bytes: " + e.getMessage(), e);
      }
      return h;
    });
  }

  static Optional<String> expectedSha256(HttpResponse<?> r) {
    Optional<String> etag = r.headers().firstValue("ETag")
        .map(v -> v.startsWith("W/") ? "" : v.replace("\"", ""))
        .filter(v -> v.matches("[0-9a-f]{64}"));
    if (etag.isPresent()) {
      return etag;
    }
    return r.headers().firstValue("Repr-Digest").flatMap(v -> {
      Matcher m = REPR_DIGEST.matcher(v);
      if (!m.find()) {
        return Optional.empty();
      }
      byte[] d = Base64.getDecoder().decode(m.group(1));
      return d.length == 32 ? Optional.of(HexFormat.of().formatHex(d)) : Optional.empty();
    });
  }

  private static long contentRangeStart(HttpResponse<?> r) {
    Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static long contentRangeTotal(HttpResponse<?> r) {
    Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
    return m.matches() ? Long.parseLong(m.group(3)) : -1;
  }

  /** Appends the body to {@code out}; a broken stream is a {@link Retries.TransferInterrupted}. */
  private static long copy(HttpResponse<InputStream> r, Path out, Hashing h, Counted progress,
      String path) {
    long n = 0;
    try (InputStream in = r.body();
        OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      byte[] buf = new byte[Hashing.CHUNK];
      int k;
      while (true) {
        try {
          k = in.read(buf);
        } catch (IOException e) {
          throw new Retries.TransferInterrupted("download of " + path + " broke off after "
              + n + " bytes (" + out + " kept, run again to resume): " + e.getMessage(), e);
        }
        if (k < 0) {
          break;
        }
        os.write(buf, 0, k);
        h.update(buf, 0, k);
        progress.add(k);
        n += k;
      }
    } catch (IOException e) {
      throw new ClientException(ExitCodes.FAILED, "cannot write " + out + ": " + e.getMessage(),
          e);
    }
    return n;
  }

  private static void hashFile(Path file, Hashing h, long length) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[Hashing.CHUNK];
      long left = length;
      int k;
      while (left > 0 && (k = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
        h.update(buf, 0, k);
        left -= k;
      }
    } catch (IOException e) {
      throw new ClientException(ExitCodes.FAILED, "cannot read " + file + ": " + e.getMessage(),
          e);
    }
  }

  private static void close(HttpResponse<InputStream> r) {
    try {
      r.body().close();
    } catch (IOException ignored) {
      // nothing to release
    }
  }

  /**
   * The bytes one file has added to a {@link Progress}; an attempt that starts again takes
   * back what the attempts before it added, so that retries do not count twice.
   */
  private static final class Counted {
    private final Progress progress;
    private long added;

    Counted(Progress progress) {
      this.progress = progress;
    }

    Counted restart() {
      progress.addBytes(-added);
      added = 0;
      return this;
    }

    void add(long n) {
      progress.addBytes(n);
      added += n;
    }

    void total(long bytes) {
      progress.totalIfUnknown(bytes);
    }
  }
}
