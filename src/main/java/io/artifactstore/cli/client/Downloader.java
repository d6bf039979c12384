package io.artifactstore.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads files to disk in chunks, hashing as it writes. A partial output file is resumed with
 * {@code Range} and {@code If-Range}; the whole file's SHA-256 is checked against the server's
 * {@code ETag} (or {@code Repr-Digest}) at the end. A mismatch deletes nothing.
 */
public final class Downloader {

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
  private static final Pattern REPR_DIGEST = Pattern.compile("sha-256=:([A-Za-z0-9+/=]+):");

  /** What a download did. */
  public record Result(Path file, long size, String sha256, long resumedFrom, long received,
      boolean alreadyComplete) {}

  private final ApiClient client;

  public Downloader(ApiClient client) {
    this.client = client;
  }

  /**
   * Downloads {@code path} of package {@code id} to {@code out}, resuming a partial file. Throws
   * a {@link ClientException} (exit 1) when the result does not match the server's digest; the
   * file is left as it is for inspection.
   */
  public Result fetch(String id, String path, Path out, Progress progress) {
    String url = ApiClient.filePath(id, path);
    long have = 0;
    if (Files.exists(out)) {
      if (!Files.isRegularFile(out)) {
        throw new ClientException(ExitCodes.USAGE, out + " exists and is not a regular file");
      }
      have = size(out);
    }
    HttpResponse<InputStream> head = client.stream("HEAD", url, new String[0]);
    close(head);
    long remoteSize = head.headers().firstValueAsLong("Content-Length").orElse(-1);
    String expected = expectedSha256(head).orElseThrow(() -> new ClientException(
        ExitCodes.FAILED, "the server sent no SHA-256 (ETag or Repr-Digest) for " + path));
    String etag = head.headers().firstValue("ETag").orElse(null);

    Hashing h = new Hashing(false);
    long resumedFrom = 0;
    long received = 0;
    boolean complete = false;
    if (have > 0 && remoteSize >= 0 && have > remoteSize) {
      throw new ClientException(ExitCodes.FAILED, out + " is larger (" + have
          + " bytes) than " + path + " on the server (" + remoteSize + " bytes); left as it is");
    }
    if (have > 0 && have == remoteSize) {
      hashFile(out, h, have);
      complete = true;
    } else if (have > 0 && etag != null) {
      HttpResponse<InputStream> r = client.stream("GET", url,
          new String[] {"Range", "bytes=" + have + "-", "If-Range", etag});
      if (r.statusCode() == 206) {
        long start = contentRangeStart(r);
        if (start != have) {
          close(r);
          throw new ClientException(ExitCodes.FAILED, "the server answered a range from "
              + start + " for a request from " + have);
        }
        hashFile(out, h, have);
        progress.addBytes(have);
        resumedFrom = have;
        received = copy(r, out, true, h, progress);
      } else {
        received = copy(r, out, false, h, progress);
      }
    } else {
      HttpResponse<InputStream> r = client.stream("GET", url, new String[0]);
      received = copy(r, out, false, h, progress);
    }
    String actual = h.sha256Hex();
    if (!actual.equals(expected)) {
      throw new ClientException(ExitCodes.FAILED, "SHA-256 mismatch for " + path + ": expected "
          + expected + ", got " + actual + " (" + out + " left as it is)");
    }
    return new Result(out, h.size(), actual, resumedFrom, received, complete);
  }

  /**
   * Downloads {@code path} to {@code dest} (created or truncated) and checks its size and
   * SHA-256; returns the SHA-256 and BLAKE3 hex, or throws (exit 1) on a mismatch.
   */
  public Hashing fetchExact(String id, String path, Path dest, long size, String sha256,
      Progress progress) {
    HttpResponse<InputStream> r = client.stream("GET", ApiClient.filePath(id, path),
        new String[0]);
    Hashing h = new Hashing(false);
    copy(r, dest, false, h, progress);
    String actual = h.sha256Hex();
    if (h.size() != size || !actual.equals(sha256)) {
      throw new ClientException(ExitCodes.FAILED, "digest mismatch for " + path + ": expected "
          + size + " bytes sha256:" + sha256 + ", got " + h.size() + " bytes sha256:" + actual);
    }
    return h;
  }

  /** Streams {@code path} through SHA-256 and BLAKE3 without keeping it. */
  public Hashing hashRemote(String id, String path, Progress progress) {
    HttpResponse<InputStream> r = client.stream("GET", ApiClient.filePath(id, path),
        new String[0]);
    Hashing h = new Hashing(true);
    try (InputStream in = r.body()) {
      byte[] buf = new byte[Hashing.CHUNK];
      int n;
      while ((n = in.read(buf)) > 0) {
        h.update(buf, 0, n);
        progress.addBytes(n);
      }
    } catch (IOException e) {
      throw new ClientException(ExitCodes.FAILED, "download of " + path + " failed: " + e, e);
    }
    return h;
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

  private static long copy(HttpResponse<InputStream> r, Path out, boolean append, Hashing h,
      Progress progress) {
    long n = 0;
    try (InputStream in = r.body();
        OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buf = new byte[Hashing.CHUNK];
      int k;
      while ((k = in.read(buf)) > 0) {
        os.write(buf, 0, k);
        h.update(buf, 0, k);
        progress.addBytes(k);
        n += k;
      }
    } catch (IOException e) {
      throw new ClientException(ExitCodes.FAILED, "download to " + out + " failed after " + n
          + " bytes (run again to resume): " + e.getMessage(), e);
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

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new ClientException(ExitCodes.FAILED, "cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static void close(HttpResponse<InputStream> r) {
    try {
      r.body().close();
    } catch (IOException ignored) {
      // nothing to release
    }
  }
}
