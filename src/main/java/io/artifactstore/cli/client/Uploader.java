package io.artifactstore.cli.client;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>A push whose package was left unfinished by an earlier run of the same push
 * ({@link PushState}) resumes it: files already in the package with the same SHA-256 are
 * skipped, files there with other content are replaced. While the package is unfinished, an
 * interruption (Ctrl-C, SIGTERM) is answered on stderr with the package's id, how to resume
 * it, and what becomes of it if it is not resumed.
 */
public final class Uploader {

  /** What a push did. */
  public record Result(JsonObject pkg, int files, long totalBytes, int sentFiles,
      long bytesSent, int byDigest, int skipped, boolean resumed) {

    public JsonObject toJson() {
      return new JsonObject().put("id", pkg.getString("id"))
          .put("manifest_digest", pkg.getString("manifest_digest"))
          .put("file_count", pkg.getValue("file_count", files))
          .put("total_bytes", pkg.getValue("total_bytes", totalBytes))
          .put("files_uploaded", sentFiles).put("files_by_digest", byDigest)
          .put("files_skipped", skipped).put("resumed", resumed)
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
    return push(create, items, null, false);
  }

  /**
   * As {@link #push(JsonObject, List)}; with {@code state}, resumes the package an earlier run
   * of the same push left unfinished (unless {@code fresh}), and remembers a new one until it
   * is finalized.
   */
  public Result push(JsonObject create, List<Item> items, PushState state, boolean fresh) {
    Map<String, JsonObject> existing = new HashMap<>();
    String id = state == null || fresh ? null : resumable(state, items, existing);
    boolean resumed = id != null;
    if (id == null) {
      id = client.postJson("/v1/packages", create).getString("id");
      if (state != null) {
        state.remember(id);
      }
    }
    String pkgId = id;
    long total = items.stream().mapToLong(Item::size).sum();
    AtomicLong sent = new AtomicLong();
    AtomicInteger byDigest = new AtomicInteger();
    AtomicInteger uploaded = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    Thread onInterrupt = new Thread(() -> interrupted(pkgId, byDigest.get() + uploaded.get()
        + skipped.get(), items.size()), "artifact-store-interrupted");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "artifact-store-upload");
      t.setDaemon(true);
      return t;
    });
    try (Progress progress = Progress.start(err, json, "push", items.size(), total)) {
      List<Future<?>> futures = new ArrayList<>();
      for (Item item : items) {
        futures.add(pool.submit(() -> {
          switch (addOne(pkgId, item, existing.get(item.path()), sent, progress)) {
            case BY_DIGEST -> byDigest.incrementAndGet();
            case SENT -> uploaded.incrementAndGet();
            default -> skipped.incrementAndGet();
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
          String left = " (package " + pkgId + " left unfinished: run the same command again "
              + "to resume it)";
          if (c instanceof ClientException ce) {
            throw new ClientException(ce.exitCode(), ce.getMessage() + left, ce.status(),
                ce.code(), ce);
          }
          throw new ClientException(ExitCodes.FAILED, "upload failed: " + c + left, c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ClientException(ExitCodes.FAILED, "interrupted", e);
        }
      }
      JsonObject done = client.postJson(ApiClient.packagePath(pkgId) + "/finalize",
          new JsonObject(), true);
      if (state != null) {
        state.forget();
      }
      return new Result(done, items.size(), total, uploaded.get(), sent.get(), byDigest.get(),
          skipped.get(), resumed);
    } finally {
      pool.shutdownNow();
      try {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run: it says what is left
      }
    }
  }

  /**
   * The package to resume, its files put in {@code existing}; null when there is none, or it
   * cannot be resumed (finished, failed, gone, or holding files this push does not take).
   */
  private String resumable(PushState state, List<Item> items, Map<String, JsonObject> existing) {
    String id = state.packageId().orElse(null);
    if (id == null) {
      return null;
    }
    JsonObject pkg;
    try {
      pkg = client.getJson(ApiClient.packagePath(id));
    } catch (ClientException e) {
      if (e.exitCode() != ExitCodes.NOT_FOUND) {
        throw e;
      }
      state.forget();
      return null;
    }
    String status = pkg.getString("status");
    Set<String> taken = new HashSet<>();
    items.forEach(i -> taken.add(i.path()));
    List<JsonObject> files = TransferCommands.files(pkg);
    boolean open = "created".equals(status) || "uploading".equals(status);
    if (!open || !files.stream().allMatch(f -> taken.contains(f.getString("path")))) {
      note("the unfinished package " + id + " of this push " + (open
          ? "holds files this push does not take" : "is " + status)
          + ": starting a new package");
      state.forget();
      return null;
    }
    files.forEach(f -> existing.put(f.getString("path"), f));
    note("resuming the unfinished package " + id + ": " + files.size() + " of " + items.size()
        + " files already there");
    return id;
  }

  private void note(String line) {
    Progress.println(err, "artifact-store: " + line);
  }

  /** Said when the process is stopped (Ctrl-C, SIGTERM) before the package is finalized. */
  private void interrupted(String id, int done, int total) {
    note("interrupted: package " + id + " is left unfinished (" + done + " of " + total
        + " files added)");
    note("to resume it, run the same command again: files already added are skipped");
    // --no-resume discards nothing: the server has no call for it, only its sweeper.
    note("--no-resume starts a new package instead; " + id + " stays unfinished (the server "
        + "has no call to discard it) until the server's sweeper marks it failed, "
        + "retention.abandoned_after after its last change");
  }

  private enum Added { BY_DIGEST, SENT, SKIPPED }

  /**
   * Files from this size on are sent without hashing them first when the server cannot hold
   * their content (no stored content has their size and head). Smaller ones cost less to hash
   * than the question costs to ask.
   */
  static final long STREAM_AT_ONCE_FROM = 1024 * 1024;

  /**
   * Adds one file: skipped when {@code there} (the package's file at that path, if any) has
   * the same content, added by digest when the server holds the content, sent otherwise.
   */
  private Added addOne(String id, Item item, JsonObject there, AtomicLong sent,
      Progress progress) throws IOException {
    if (there == null && item.size() >= STREAM_AT_ONCE_FROM && !serverMayHold(item)) {
      // No stored content has this size and head, so an add by digest cannot succeed: send
      // the file at once, hashing it as it goes, instead of reading it twice.
      send(id, item, null, ApiClient.filePath(id, item.path()), MediaTypes.guess(item.file()),
          sent, progress);
      return Added.SENT;
    }
    String sha = Hashing.sha256(item.file());
    if (there != null && sha.equals(there.getString("sha256"))
        && there.getLong("size", -1L) == item.size()) {
      progress.addBytes(item.size());
      return Added.SKIPPED;
    }
    String mediaType = MediaTypes.guess(item.file());
    String path = ApiClient.filePath(id, item.path()) + (there != null ? "?replace=true" : "");
    HttpResponse<byte[]> r = client.postRaw(path, new JsonObject().put("sha256", sha)
        .put("size", item.size()).put("media_type", mediaType));
    String code = ApiClient.errorCode(r.body());
    if (r.statusCode() == 201 || (r.statusCode() == 409 && "file_exists".equals(code)
        && holds(id, item.path(), sha))) {
      progress.addBytes(item.size());
      return Added.BY_DIGEST;
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
    send(id, item, sha, path, mediaType, sent, progress);
    return Added.SENT;
  }

  /** PUTs the file; {@code sha} null: unknown yet, checked against the server's answer. */
  private void send(String id, Item item, String sha, String path, String mediaType,
      AtomicLong sent, Progress progress) throws IOException {
    try {
      client.putFile(path, item.file(), sha, mediaType, n -> {
        sent.addAndGet(n);
        progress.addBytes(n);
      });
    } catch (ClientException e) {
      // A retried upload whose first attempt was stored finds its own file there.
      if (!("file_exists".equals(e.code())
          && holds(id, item.path(), sha != null ? sha : Hashing.sha256(item.file())))) {
        throw new ClientException(e.exitCode(), item.path() + ": " + e.getMessage(), e.status(),
            e.code(), e);
      }
    }
  }

  /**
   * Whether the server may hold the file's content: some stored content has its size and the
   * SHA-256 of its first 64 KiB ({@code GET /v1/blobs?size=&head_sha256=}, 64 KiB read here).
   * A server that cannot answer (an older one) is taken to hold it: the file is then hashed
   * first and offered by digest, as before; one that knows sizes only answers by size. So is
   * one that does not let this identity ask (the question is a reader's; a producer token
   * gets 403): the offer by digest is answered by the producer's own rights.
   */
  private boolean serverMayHold(Item item) throws IOException {
    String head = Hashing.headSha256(item.file());
    try {
      return client.getJson("/v1/blobs?size=" + item.size() + "&head_sha256=" + head)
          .getBoolean("held", true);
    } catch (ClientException e) {
      if (List.of(400, 401, 403, 404, 405).contains(e.status())) {
        return true;
      }
      throw e;
    }
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
