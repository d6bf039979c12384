package io.artifactstore.storage.local;

import io.artifactstore.storage.StorageException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The lock file of a local root, {@code <root>/.artifact-store.lock}, which keeps a second
 * server off a root that a running server owns. The owner holds an exclusive OS lock on the
 * file ({@link FileChannel#tryLock}, released by the OS when the process dies) and writes its
 * identity into it as JSON: {@code {"format": 1, "backend": "local", "root": "/srv/blobs",
 * "host": "gw-1", "pid": 4242, "started": "2025-06-01T10:00:00Z", "listening":
 * "http://0.0.0.0:8000"}} ({@code listening} only when the port is fixed in configuration).
 * A file that nobody locks (its server crashed) is taken over and rewritten. {@link #release}
 * adds {@code "stopped"} (the time) and unlocks, leaving the file in place: removing it would
 * let a server that opened the old file and one that creates a new one both hold "the" lock.
 *
 * <p>POSIX record locks belong to the process, and closing any descriptor of the file drops
 * them all. So this JVM never opens a lock file it holds: holders are remembered here (by the
 * file's inode, which stays allocated while its channel is open), and a second claim in this
 * JVM is refused with the identity held in memory, which is what the file says.
 *
 * <p>Blocking: callers run it on a worker thread.
 */
final class RootLock {

  /** The lock file's name in the root. */
  static final String FILE = ".artifact-store.lock";
  /** Version of the file's JSON, {@code format} in it. */
  static final int FORMAT = 1;

  private static final System.Logger LOG = System.getLogger(RootLock.class.getName());
  private static final int MAX_READ = 64 * 1024;
  /** Lock files held in this JVM, by file key; guarded by itself. */
  private static final Map<Object, RootLock> HELD = new HashMap<>();

  private final Object key;
  private final FileChannel channel;
  private final JsonObject owner;

  private RootLock(Object key, FileChannel channel, JsonObject owner) {
    this.key = key;
    this.channel = channel;
    this.owner = owner;
  }

  /**
   * Locks {@code root}'s lock file (created when missing) and writes {@code owner} into it, with
   * {@code format}, {@code backend} and {@code root} added.
   *
   * @param sharingKey the configuration key that allows several servers on the root, named in
   *     the refusal
   * @throws StorageException of kind {@code UNAVAILABLE} when another server holds the root,
   *     in one line naming the root, that server's identity and {@code sharingKey}
   * @throws IOException when the file cannot be created, locked or written
   */
  static RootLock acquire(Path root, String backendId, JsonObject owner, String sharingKey)
      throws IOException {
    Path file = root.resolve(FILE);
    JsonObject identity = new JsonObject().put("format", FORMAT).put("backend", backendId)
        .put("root", root.toString()).mergeIn(owner);
    synchronized (HELD) {
      RootLock here = HELD.get(fileKey(file));
      if (here != null) {
        throw refused(root, file, here.owner, sharingKey);
      }
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
          StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          // Locked in this JVM through another path than this class: closing our channel
          // below cannot be helped.
          lock = null;
        }
        if (lock == null) {
          throw refused(root, file, read(channel), sharingKey);
        }
        JsonObject previous = read(channel);
        write(channel, identity);
        if (previous != null && !previous.containsKey("stopped")) {
          LOG.log(System.Logger.Level.INFO, "storage {0}: took over {1}, left by a server "
              + "that did not stop cleanly ({2})", backendId, file, describe(previous));
        }
        RootLock held = new RootLock(fileKey(file), channel, identity);
        HELD.put(held.key, held);
        return held;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
  }

  /**
   * Adds {@code stopped} (the time, ISO-8601) to the file and unlocks; the file stays.
   * Idempotent.
   */
  void release() throws IOException {
    synchronized (HELD) {
      if (!channel.isOpen()) {
        return;
      }
      try {
        write(channel, owner.copy().put("stopped", Instant.now().toString()));
      } finally {
        HELD.remove(key, this);
        channel.close(); // releases the lock
      }
    }
  }

  private static void write(FileChannel channel, JsonObject content) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap((content.encode() + "\n").getBytes(StandardCharsets.UTF_8));
    channel.truncate(0);
    while (bytes.hasRemaining()) {
      channel.write(bytes, bytes.position());
    }
    channel.force(true);
  }

  /** The file's inode (its real path where the filesystem has none); stat only, never open. */
  private static Object fileKey(Path file) throws IOException {
    try {
      Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      return key != null ? key : file.toRealPath();
    } catch (NoSuchFileException e) {
      return file.toAbsolutePath().normalize();
    }
  }

  /** The JSON object in the file, through our own channel; null when empty or not JSON. */
  private static JsonObject read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), MAX_READ));
    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
      // until full or at the end
    }
    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    try {
      return text.isBlank() ? null : new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static StorageException refused(Path root, Path file, JsonObject owner,
      String sharingKey) {
    return new StorageException(StorageException.Kind.UNAVAILABLE, "storage root " + root
        + " is in use by another server (" + describe(owner) + "; lock file " + file
        + "): stop that server first, or, if servers share this root on purpose, set "
        + sharingKey + " to true on every one of them (docs/operations.md)");
  }

  /** {@code host gw-1, pid 4242, started ..., listening ...}, or what is known. */
  static String describe(JsonObject owner) {
    if (owner == null) {
      return "identity not written yet or unreadable";
    }
    StringBuilder out = new StringBuilder();
    for (String field : new String[] {"host", "pid", "started", "listening"}) {
      Object value = owner.getValue(field);
      if (value != null) {
        out.append(out.isEmpty() ? "" : ", ").append(field).append(' ')
            .append(String.valueOf(value).replaceAll("\\s", "_"));
      }
    }
    return out.isEmpty() ? "identity unknown" : out.toString();
  }
}
