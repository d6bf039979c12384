package io.artifactstore.cli.client;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates a package, adds files to it concurrently (at most {@code parallel} at a time) and
 * finalizes it. Each file is hashed first; the server is asked to add it by digest
 * ({@code POST .../files/{path}} with {@code {sha256, size, media_type}}), and its bytes are
 * sent ({@code PUT} with {@code X-Checksum-Sha256}) only when the server lacks that content.
 */
public final class Uploader {

  /** What a push did. */
  public record Result(JsonObject pkg, int files, long totalBytes, int sentFiles,
      long bytesSent, int byDigest) {

    public JsonObject toJson() {
      return new JsonObject().put("id", pkg.getString("id"))
          .put("manifest_digest", pkg.getString("manifest_digest"))
          .put("file_count", pkg.getValue("file_count", files))
          .put("total_bytes", pkg.getValue("total_bytes", totalBytes))
          .put("files_uploaded", sentFiles).put("files_by_digest", byDigest)
          .put("bytes_sent", bytesSent);
    }
  }

  /** A file to add under a logical path. */
  public record Item(java.nio.file.Path file, String path, long size) {}

  private final ApiClient client;
  private final int parallel;
  private final PrintWriter err;
  private final boolean json;

  public Uploader(ApiClient client, int parallel, PrintWriter err, boolean json) {
    if (parallel < 1 || parallel > 64) {
      throw new ClientException(ExitCodes.USAGE, "--parallel must be 1 to 64");
    }
    this.client = client;
    this.parallel = parallel;
    this.err = err;
    this.json = json;
  }

  /** Creates the package from {@code create}, adds {@code items}, finalizes. */
  public Result push(JsonObject create, List<Item> items) {
    JsonObject pkg = client.postJson("/v1/packages", create);
    String id = pkg.getString("id");
    long total = items.stream().mapToLong(Item::size).sum();
    AtomicLong sent = new AtomicLong();
    AtomicInteger byDigest = new AtomicInteger();
    AtomicInteger uploaded = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "artifact-store-upload");
      t.setDaemon(true);
      return t;
    });
    try (Progress progress = Progress.start(err, json, "push", items.size(), total)) {
      List<Future<?>> futures = new ArrayList<>();
      for (Item item : items) {
        futures.add(pool.submit(() -> {
          if (addOne(id, item, sent, progress)) {
            byDigest.incrementAndGet();
          } else {
            uploaded.incrementAndGet();
          }
          progress.fileDone();
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          pool.shutdownNow();
          Throwable c = e.getCause();
          if (c instanceof ClientException ce) {
            throw new ClientException(ce.exitCode(), ce.getMessage() + " (package " + id
                + " left unfinalized)", ce.status(), ce.code(), ce);
          }
          throw new ClientException(ExitCodes.FAILED, "upload failed: " + c
              + " (package " + id + " left unfinalized)", c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ClientException(ExitCodes.FAILED, "interrupted", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    JsonObject done = client.postJson(ApiClient.packagePath(id) + "/finalize", new JsonObject(),
        true);
    return new Result(done, items.size(), total, uploaded.get(), sent.get(), byDigest.get());
  }

  /** Adds one file; true when it was added by digest, without sending its bytes. */
  private boolean addOne(String id, Item item, AtomicLong sent, Progress progress)
      throws IOException {
    String sha = Hashing.sha256(item.file());
    String mediaType = MediaTypes.guess(item.file());
    String path = ApiClient.filePath(id, item.path());
    HttpResponse<byte[]> r = client.postRaw(path, new JsonObject().put("sha256", sha)
        .put("size", item.size()).put("media_type", mediaType));
    String code = ApiClient.errorCode(r.body());
    if (r.statusCode() == 201 || (r.statusCode() == 409 && "file_exists".equals(code)
        && holds(id, item.path(), sha))) {
      progress.addBytes(item.size());
      return true;
    }
    boolean lacksContent = r.statusCode() == 404 && "blob_not_found".equals(code);
    // A server without deploy by checksum answers 405 (or 404 for the route): send the bytes.
    boolean noSuchRoute = r.statusCode() == 405
        || (r.statusCode() == 404 && (code == null || "not_found".equals(code)));
    if (!lacksContent && !noSuchRoute) {
      ClientException e = errorOf(r);
      throw new ClientException(e.exitCode(), item.path() + ": " + e.getMessage(), e.status(),
          e.code(), null);
    }
    try {
      client.putFile(path, item.file(), sha, mediaType, n -> {
        sent.addAndGet(n);
        progress.addBytes(n);
      });
    } catch (ClientException e) {
      // A retried upload whose first attempt was stored finds its own file there.
      if (!("file_exists".equals(e.code()) && holds(id, item.path(), sha))) {
        throw new ClientException(e.exitCode(), item.path() + ": " + e.getMessage(), e.status(),
            e.code(), e);
      }
    }
    return false;
  }

  /** Whether the package already has {@code path} with this SHA-256 (its strong ETag). */
  private boolean holds(String id, String path, String sha) {
    HttpResponse<java.io.InputStream> r = client.stream("HEAD", ApiClient.filePath(id, path),
        new String[0]);
    try {
      r.body().close();
    } catch (IOException ignored) {
      // HEAD has no body
    }
    return Downloader.expectedSha256(r).map(sha::equals).orElse(false);
  }

  private static ClientException errorOf(HttpResponse<byte[]> r) {
    try {
      ApiClient.check(r.statusCode(), r.body());
      return new ClientException(ExitCodes.FAILED, "unexpected answer " + r.statusCode());
    } catch (ClientException e) {
      return e;
    }
  }
}
