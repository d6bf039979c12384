package io.artifactstore.storage.local;

import io.artifactstore.hashing.Digests;
import io.artifactstore.hashing.MultiDigest;
import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.BlobStat;
import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackends;
import io.artifactstore.storage.StorageException;
import io.artifactstore.storage.SpaceStat;
import io.artifactstore.storage.StorageHealth;
import io.artifactstore.storage.VerifyResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.UUID;

/**
 * Objects as files under a root directory, at {@code <root>/<algorithm>/<hex[0:2]>/<hex[2:4]>/<hex>}.
 *
 * <p>Uploads are written to {@code <root>/_uploads/} on the same filesystem so that publishing
 * is one atomic rename: readers see either no object or the whole, synced object.
 *
 * <p>A server {@link #claim}s the root: it takes the lock file {@code <root>/.artifact-store.lock}
 * ({@link RootLock}), so that a second server on the root is refused, and then removes the temp
 * files of uploads that never finished (a crash, a killed process), which no other server can be
 * writing. With {@code shared_filesystem} several servers serve one root on purpose: none takes
 * the lock nor removes temp files at start, and stale ones are left to the integrity check,
 * after its grace period. Offline commands (fsck) never claim: they run beside a server.
 *
 * <p>Every filesystem call runs on a worker thread or through Vert.x's asynchronous file API;
 * the exception is {@link #localFile}, whose synchronous contract allows one {@code stat}.
 */
public final class LocalBackend implements StorageBackend {

  /** Directory under the root holding in-progress uploads. */
  public static final String UPLOADS = "_uploads";
  /** The option that lets several servers serve one root. */
  public static final String SHARED_FILESYSTEM = "shared_filesystem";

  private static final System.Logger LOG = System.getLogger(LocalBackend.class.getName());
  private static final int COMMIT_LOCKS = 64;
  private static final int HASH_CHUNK = 256 * 1024;

  private final Vertx vertx;
  private final String id;
  private final Path root;
  private final Path uploads;
  private final Object[] commitLocks = new Object[COMMIT_LOCKS];

  /** Free space below which a backend reports itself degraded, unless configured. */
  public static final long DEFAULT_MIN_FREE_BYTES = 1L << 30;

  private final long minFreeBytes;
  private final boolean sharedFilesystem;
  private final LocalInventory inventory;
  /** Held from {@link #claim} to {@link #close}; null when unclaimed or shared. */
  private volatile RootLock lock;

  private LocalBackend(Vertx vertx, String id, Path root, long minFreeBytes,
      boolean sharedFilesystem) {
    this.vertx = vertx;
    this.id = id;
    this.minFreeBytes = minFreeBytes;
    this.sharedFilesystem = sharedFilesystem;
    this.root = root.toAbsolutePath().normalize();
    this.uploads = this.root.resolve(UPLOADS);
    this.inventory = new LocalInventory(this.root, this.uploads);
    for (int i = 0; i < COMMIT_LOCKS; i++) {
      commitLocks[i] = new Object();
    }
  }

  /**
   * Creates the root and upload directories when missing, then returns the ready backend, not
   * claimed ({@link #claim}) and not shared.
   */
  public static Future<LocalBackend> start(Vertx vertx, String id, Path root) {
    return start(vertx, id, root, DEFAULT_MIN_FREE_BYTES, false);
  }

  /**
   * As above, degraded below {@code minFreeBytes} of free space; {@code sharedFilesystem}: other
   * servers serve the root too (no lock, no removal of temp files by {@link #claim}).
   */
  public static Future<LocalBackend> start(Vertx vertx, String id, Path root,
      long minFreeBytes, boolean sharedFilesystem) {
    LocalBackend backend = new LocalBackend(vertx, id, root, minFreeBytes, sharedFilesystem);
    return vertx.executeBlocking(() -> {
      Fsync.createDirectories(backend.uploads);
      return backend;
    }, false).recover(t -> Future.failedFuture(new StorageException(StorageException.Kind.UNAVAILABLE,
        "cannot use " + backend.root + " as storage root: " + t, t)));
  }

  /**
   * Takes the root's lock file for {@code owner} and removes the temp files of uploads that
   * never finished; with {@code shared_filesystem}, does neither. Fails with {@code UNAVAILABLE}
   * when another server holds the root (see {@link RootLock#acquire}) or the lock file cannot
   * be written. Claiming again does nothing.
   */
  @Override
  public Future<Void> claim(JsonObject owner) {
    if (sharedFilesystem) {
      LOG.log(System.Logger.Level.INFO, "storage {0}: {1} is on a shared filesystem: no lock "
          + "taken, stale temporary uploads are left to the integrity check", id, root);
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      synchronized (this) {
        if (lock != null) {
          return null;
        }
        lock = RootLock.acquire(root, id, owner,
            StorageBackends.configKey(id, SHARED_FILESYSTEM));
      }
      int removed = sweepUploads();
      if (removed > 0) {
        LOG.log(System.Logger.Level.INFO, "storage {0}: removed {1} unfinished upload(s) in {2}",
            id, removed, uploads);
      }
      return null;
    }, false).recover(t -> Future.failedFuture(t instanceof StorageException ? t
        : new StorageException(StorageException.Kind.UNAVAILABLE,
            "cannot lock storage root " + root + ": " + t, t)));
  }

  /** Gives up the lock that {@link #claim} took, if any. */
  @Override
  public Future<Void> close() {
    RootLock held;
    synchronized (this) {
      held = lock;
      lock = null;
    }
    return held == null ? Future.succeededFuture() : vertx.<Void>executeBlocking(() -> {
      held.release();
      return null;
    }, false);
  }

  private int sweepUploads() throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(uploads)) {
      for (Path leftover : leftovers) {
        if (Files.isRegularFile(leftover) && Files.deleteIfExists(leftover)) {
          removed++;
        }
      }
    }
    return removed;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String type() {
    return "local";
  }

  /** The absolute, normalised root directory. */
  public Path root() {
    return root;
  }

  /**
   * Where {@code key} lives. Keys are validated on construction, but the resolved path is still
   * checked because it decides what a delete may remove.
   */
  Path objectPath(BlobKey key) {
    Path path = root.resolve(key.relativePath()).normalize();
    if (!path.startsWith(root) || path.startsWith(uploads)) {
      throw new StorageException(StorageException.Kind.INVALID_STATE,
          "key " + key + " resolves outside the storage root");
    }
    return path;
  }

  /** Serialises publishing of one key within this process (striped, bounded memory). */
  Object commitLock(BlobKey key) {
    return commitLocks[Math.floorMod(key.hashCode(), COMMIT_LOCKS)];
  }

  @Override
  public Future<BlobWriter> newWriter() {
    Path temp = uploads.resolve(UUID.randomUUID() + ".upload");
    return SequentialFile.create(vertx, temp)
        .<BlobWriter>map(file -> new LocalBlobWriter(vertx, this, file, temp))
        .recover(t -> Future.failedFuture(StorageException.of(t,
            StorageException.Kind.UNAVAILABLE, "cannot create upload file in " + uploads)));
  }

  @Override
  public Future<Optional<BlobStat>> head(BlobKey key) {
    return blocking(key, path -> {
      try {
        BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
        return attrs.isRegularFile() ? Optional.of(new BlobStat(key, attrs.size())) : Optional.empty();
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    });
  }

  @Override
  public Future<ReadStream<Buffer>> get(BlobKey key, long offset, long length) {
    if (offset < 0) {
      return Future.failedFuture(new StorageException(StorageException.Kind.INVALID_STATE,
          "negative offset " + offset));
    }
    Path path;
    try {
      path = objectPath(key);
    } catch (StorageException e) {
      return Future.failedFuture(e);
    }
    OpenOptions options = new OpenOptions().setRead(true).setWrite(false).setCreate(false);
    return vertx.fileSystem().open(path.toString(), options)
        .recover(t -> Future.failedFuture(isNotFound(t)
            ? notFound(key)
            : new StorageException(StorageException.Kind.IO, "cannot open " + key, t)))
        .compose(file -> file.size().<ReadStream<Buffer>>compose(size -> {
          if (offset > size) {
            return Future.failedFuture(new StorageException(StorageException.Kind.INVALID_STATE,
                "offset " + offset + " is past the end of " + key + " (" + size + " bytes)"));
          }
          long available = size - offset;
          file.setReadPos(offset).setReadLength(length < 0 ? available : Math.min(length, available));
          return Future.succeededFuture(new FileRangeStream(file));
        }).recover(t -> file.close().transform(ignored -> Future.failedFuture(t))));
  }

  @Override
  public Future<Boolean> delete(BlobKey key) {
    return blocking(key, Files::deleteIfExists);
  }

  @Override
  public Future<VerifyResult> verify(BlobKey key) {
    // Hashing is CPU work on top of the reads: it belongs on a worker, in bounded chunks.
    return blocking(key, path -> {
      MultiDigest digest = new MultiDigest();
      byte[] chunk = new byte[HASH_CHUNK];
      try (InputStream in = Files.newInputStream(path)) {
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
          digest.update(chunk, 0, n);
        }
      } catch (NoSuchFileException e) {
        throw notFound(key);
      }
      Digests digests = digest.finish();
      return new VerifyResult(key, digests.size(), digests.sha256Hex(), digests.blake3Hex());
    });
  }

  @Override
  public Future<StorageHealth> health() {
    return vertx.executeBlocking(this::probe, false)
        .recover(t -> Future.succeededFuture(down(String.valueOf(t.getMessage()))));
  }

  /**
   * Up when the root can be written; degraded ({@code low_space}) when its filesystem has less
   * than {@code min_free_bytes} free, or is full (a full disk still serves reads, so it is not
   * down: uploads are refused with 507 instead).
   */
  private StorageHealth probe() throws IOException {
    if (!Files.isDirectory(root)) {
      return down("storage root does not exist");
    }
    if (!Files.isDirectory(uploads)) {
      return down("upload directory " + UPLOADS + " does not exist");
    }
    boolean full = false;
    Path probe = uploads.resolve(".health-" + UUID.randomUUID());
    try {
      Files.write(probe, new byte[] {1});
    } catch (IOException e) {
      if (!StorageException.isNoSpace(e)) {
        return down("storage root is not writable: " + e.getMessage());
      }
      full = true;
    } finally {
      Files.deleteIfExists(probe);
    }
    FileStore store = Files.getFileStore(root);
    long total = store.getTotalSpace();
    long usable = store.getUsableSpace();
    return StorageHealth.up(new JsonObject()
        .put("root", root.toString())
        .put("total_bytes", total)
        .put("usable_bytes", usable)
        .put("used_bytes", total - store.getUnallocatedSpace())
        .put("min_free_bytes", minFreeBytes)
        .put("low_space", full || usable < minFreeBytes));
  }

  @Override
  public Optional<SpaceStat> space() {
    try {
      FileStore store = Files.getFileStore(root);
      long total = store.getTotalSpace();
      return Optional.of(new SpaceStat(store.getUsableSpace(),
          total - store.getUnallocatedSpace()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private StorageHealth down(String reason) {
    return new StorageHealth(false, new JsonObject().put("root", root.toString()).put("reason", reason));
  }

  @Override
  public Future<java.util.List<io.artifactstore.storage.StoredObject>> list(BlobKey after,
      int limit) {
    return vertx.executeBlocking(() -> inventory.list(after, limit), false);
  }

  @Override
  public Future<java.util.List<io.artifactstore.storage.TemporaryUpload>> temporaries() {
    return vertx.executeBlocking(inventory::temporaries, false);
  }

  @Override
  public Future<Boolean> removeTemporary(String id) {
    return vertx.executeBlocking(() -> inventory.removeTemporary(id), false);
  }

  @Override
  public Optional<Path> localFile(BlobKey key) {
    Path path = objectPath(key);
    return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
  }

  /** A blocking call on a worker with the key's path; I/O failures become {@code IO}. */
  private <T> Future<T> blocking(BlobKey key, PathOperation<T> operation) {
    return vertx.<T>executeBlocking(() -> operation.apply(objectPath(key)), false)
        .recover(t -> Future.failedFuture(t instanceof StorageException
            ? t
            : new StorageException(StorageException.Kind.IO, key + ": " + t.getMessage(), t)));
  }

  @FunctionalInterface
  private interface PathOperation<T> {
    T apply(Path path) throws IOException;
  }

  private static boolean isNotFound(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NoSuchFileException) {
        return true;
      }
    }
    return false;
  }

  private static StorageException notFound(BlobKey key) {
    return new StorageException(StorageException.Kind.NOT_FOUND, "no object " + key);
  }
}
