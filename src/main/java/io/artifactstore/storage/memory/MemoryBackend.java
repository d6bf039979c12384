package io.artifactstore.storage.memory;

import io.artifactstore.hashing.Digests;
import io.artifactstore.hashing.MultiDigest;
import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.BlobStat;
import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageException;
import io.artifactstore.storage.StorageHealth;
import io.artifactstore.storage.VerifyResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Objects held in memory, for tests and throw-away instances. Contents are lost on close.
 *
 * <p>A full implementation of the contract rather than a stub: uploads are invisible until
 * committed, identical content is stored once, reads stream in chunks under flow control and
 * verify hashes the stored bytes again.
 */
public final class MemoryBackend implements StorageBackend {

  private final Vertx vertx;
  private final String id;
  /** Stored buffers are never written to after insertion; readers get copies. */
  private final Map<BlobKey, Buffer> objects = new ConcurrentHashMap<>();

  public MemoryBackend(Vertx vertx, String id) {
    this.vertx = vertx;
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String type() {
    return "memory";
  }

  /** Stores {@code content} unless the key is present; true when it was stored. */
  boolean store(BlobKey key, Buffer content) {
    return objects.putIfAbsent(key, content) == null;
  }

  @Override
  public Future<BlobWriter> newWriter() {
    return Future.succeededFuture(new MemoryBlobWriter(this));
  }

  @Override
  public Future<Optional<BlobStat>> head(BlobKey key) {
    return Future.succeededFuture(
        Optional.ofNullable(objects.get(key)).map(b -> new BlobStat(key, b.length())));
  }

  @Override
  public Future<ReadStream<Buffer>> get(BlobKey key, long offset, long length) {
    Buffer content = objects.get(key);
    if (content == null) {
      return Future.failedFuture(notFound(key));
    }
    if (offset < 0 || offset > content.length()) {
      return Future.failedFuture(new StorageException(StorageException.Kind.INVALID_STATE,
          "offset " + offset + " is outside " + key + " (" + content.length() + " bytes)"));
    }
    long available = content.length() - offset;
    int end = (int) (offset + (length < 0 ? available : Math.min(length, available)));
    return Future.succeededFuture(
        new BufferReadStream(vertx.getOrCreateContext(), content, (int) offset, end));
  }

  @Override
  public Future<java.util.List<io.artifactstore.storage.StoredObject>> list(BlobKey after,
      int limit) {
    java.time.Instant now = java.time.Instant.now();
    return Future.succeededFuture(objects.entrySet().stream()
        .filter(e -> after == null
            || e.getKey().relativePath().compareTo(after.relativePath()) > 0)
        .sorted(java.util.Map.Entry.comparingByKey(
            java.util.Comparator.comparing(BlobKey::relativePath)))
        .limit(limit)
        .map(e -> new io.artifactstore.storage.StoredObject(e.getKey(), e.getValue().length(),
            now))
        .toList());
  }

  /** Memory uploads live in their writer only: there is never anything left over. */
  @Override
  public Future<java.util.List<io.artifactstore.storage.TemporaryUpload>> temporaries() {
    return Future.succeededFuture(java.util.List.of());
  }

  @Override
  public Future<Boolean> removeTemporary(String id) {
    return Future.succeededFuture(false);
  }

  @Override
  public Future<Boolean> delete(BlobKey key) {
    return Future.succeededFuture(objects.remove(key) != null);
  }

  @Override
  public Future<VerifyResult> verify(BlobKey key) {
    Buffer content = objects.get(key);
    if (content == null) {
      return Future.failedFuture(notFound(key));
    }
    // Hashing a large object is CPU work that would stall the event loop.
    return vertx.executeBlocking(() -> {
      MultiDigest digest = new MultiDigest();
      digest.update(content);
      Digests digests = digest.finish();
      return new VerifyResult(key, digests.size(), digests.sha256Hex(), digests.blake3Hex());
    }, false);
  }

  @Override
  public Future<StorageHealth> health() {
    long used = objects.values().stream().mapToLong(Buffer::length).sum();
    return Future.succeededFuture(StorageHealth.up(
        new JsonObject().put("objects", objects.size()).put("used_bytes", used)));
  }

  @Override
  public Future<Void> close() {
    objects.clear();
    return Future.succeededFuture();
  }

  private static StorageException notFound(BlobKey key) {
    return new StorageException(StorageException.Kind.NOT_FOUND, "no object " + key);
  }
}
