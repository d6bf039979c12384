package io.artifactstore.storage.s3;

import io.artifactstore.hashing.Digests;
import io.artifactstore.hashing.MultiDigest;
import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.BlobStat;
import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageException;
import io.artifactstore.storage.StorageException.Kind;
import io.artifactstore.storage.StorageHealth;
import io.artifactstore.storage.VerifyResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.ResponsePublisher;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Objects in an S3-compatible bucket, at {@code <prefix><algorithm>/<hex[0:2]>/<hex[2:4]>/<hex>}.
 *
 * <p>Uploads smaller than one part are kept in memory and put straight under their content
 * address at commit. Larger ones stream as a multipart upload to a data key
 * {@code <prefix>objects/<uuid>}, completed there at commit; the content address then receives a
 * <em>pointer</em>: an empty object whose user metadata names the data key (relative to the
 * prefix) and its size (see {@link S3BlobWriter}). The digest, and so the content address, is
 * known only once the last byte has been read, but the bytes never move: no copy.
 *
 * <p>Reads resolve a content address first: a pointer is followed to its data key. Resolved
 * pointers are cached (bounded): a content address never changes what it points to while it
 * exists, and a cached data key that has gone is resolved again.
 *
 * <p>Publishing one key is serialised within the process (a Vert.x local lock per key) so that
 * the existence check and the write are one step: of two identical concurrent uploads, exactly
 * one reports itself as new. Across processes the check is not atomic; two servers racing on
 * the same large content may each store a data object while one pointer wins, which leaves an
 * unreferenced data object (wasted space, never lost data).
 *
 * <p>Every SDK future is brought back onto the calling Vert.x context; nothing here blocks an
 * event loop. Error messages never carry the credentials.
 */
public final class S3Backend implements StorageBackend {

  /** Key segment (under the prefix) of the data objects of large blobs. */
  public static final String OBJECTS = "objects/";
  /** User metadata of a pointer: the data key, relative to the prefix. */
  static final String META_DATA_KEY = "artifactstore-data-key";
  /** User metadata of a pointer: the size of the data object. */
  static final String META_SIZE = "artifactstore-size";
  /** Resolved pointers kept in memory. */
  static final int POINTER_CACHE_SIZE = 10_000;
  /** Key segment (under the prefix) of the health probe objects. */
  public static final String HEALTH = "_health/";

  private final Vertx vertx;
  private final S3AsyncClient client;
  private final S3Options options;
  /** Content address key to the resolved pointer; access-ordered, bounded. */
  private final Map<String, Target> pointers = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Target> eldest) {
      return size() > POINTER_CACHE_SIZE;
    }
  };

  /**
   * Where the bytes of a content address are: the content address itself, or the data key a
   * pointer there names.
   */
  record Target(String objectKey, long size, boolean pointer) {}

  S3Backend(Vertx vertx, S3AsyncClient client, S3Options options) {
    this.vertx = vertx;
    this.client = client;
    this.options = options;
  }

  @Override
  public String id() {
    return options.id();
  }

  @Override
  public String type() {
    return "s3";
  }

  /** The options this backend runs with. */
  public S3Options options() {
    return options;
  }

  S3AsyncClient client() {
    return client;
  }

  Vertx vertx() {
    return vertx;
  }

  /** The object key of a content address. */
  public String objectKey(BlobKey key) {
    return options.prefix() + key.relativePath();
  }

  /** A new data key, relative to the prefix. */
  static String newDataKey() {
    return OBJECTS + UUID.randomUUID();
  }

  /** The object key of a data key relative to the prefix. */
  String dataObjectKey(String relativeDataKey) {
    return options.prefix() + relativeDataKey;
  }

  /** The user metadata of a pointer to {@code relativeDataKey}. */
  static Map<String, String> pointerMetadata(String relativeDataKey, long size) {
    return Map.of(META_DATA_KEY, relativeDataKey, META_SIZE, Long.toString(size));
  }

  private Target cached(BlobKey key) {
    synchronized (pointers) {
      return pointers.get(objectKey(key));
    }
  }

  private void cache(BlobKey key, Target target) {
    synchronized (pointers) {
      pointers.put(objectKey(key), target);
    }
  }

  void forget(BlobKey key) {
    synchronized (pointers) {
      pointers.remove(objectKey(key));
    }
  }

  /** Whether a resolved pointer of {@code key} is cached (tests). */
  boolean isCached(BlobKey key) {
    return cached(key) != null;
  }

  /**
   * Where the bytes of {@code key} are, empty when the content address is absent. A pointer is
   * followed to its data object, whose own size is reported; a pointer whose data object is
   * missing counts as absent.
   */
  Future<Optional<Target>> resolve(BlobKey key) {
    Target known = cached(key);
    if (known != null) {
      return Future.succeededFuture(Optional.of(known));
    }
    String address = objectKey(key);
    return call("head " + address, () -> client.headObject(b -> b.bucket(options.bucket())
            .key(address)))
        .map(Optional::of)
        .recover(t -> t instanceof StorageException se && se.kind() == Kind.NOT_FOUND
            ? Future.succeededFuture(Optional.empty())
            : Future.failedFuture(t))
        .compose(head -> {
          if (head.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
          }
          String dataKey = pointerDataKey(head.get().metadata());
          if (dataKey == null) {
            return Future.succeededFuture(Optional.of(
                new Target(address, head.get().contentLength(), false)));
          }
          return followPointer(key, address, dataKey);
        });
  }

  /**
   * The data object a pointer at {@code address} names, with its size; empty when it is missing.
   * Cached once found.
   */
  private Future<Optional<Target>> followPointer(BlobKey key, String address, String dataKey) {
    if (!dataKey.startsWith(OBJECTS) || dataKey.contains("..")
        || dataKey.length() == OBJECTS.length()) {
      return Future.failedFuture(new StorageException(Kind.IO, "s3 " + options.bucket()
          + ": " + address + " is a pointer to an invalid data key '" + dataKey + "'"));
    }
    String dataObject = dataObjectKey(dataKey);
    return headSize(dataObject).map(size -> size.map(s -> {
      Target target = new Target(dataObject, s, true);
      cache(key, target);
      return target;
    }));
  }

  /**
   * Whether {@code key} holds a blob now, asked of the bucket (not the cache): a pointer counts
   * only if its data object is there, so that a pointer left without its data is replaced.
   */
  Future<Boolean> exists(BlobKey key) {
    forget(key);
    return resolve(key).map(Optional::isPresent);
  }

  /** The data key named by a pointer's metadata, null when the object is not a pointer. */
  private static String pointerDataKey(Map<String, String> metadata) {
    if (metadata == null) {
      return null;
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (META_DATA_KEY.equalsIgnoreCase(e.getKey()) && e.getValue() != null
          && !e.getValue().isBlank()) {
        return e.getValue().trim();
      }
    }
    return null;
  }

  /**
   * Runs {@code action} on where {@code key}'s bytes are; when a cached pointer's data object
   * has gone (NOT_FOUND), forgets it and resolves once more.
   */
  private <T> Future<T> onTarget(BlobKey key, java.util.function.Function<Target, Future<T>> action) {
    boolean fromCache = cached(key) != null;
    return resolve(key).compose(target -> target.isEmpty()
            ? Future.<T>failedFuture(notFound(key))
            : action.apply(target.get()))
        .recover(t -> {
          if (fromCache && t instanceof StorageException se && se.kind() == Kind.NOT_FOUND) {
            forget(key);
            return resolve(key).compose(target -> target.isEmpty()
                ? Future.<T>failedFuture(notFound(key))
                : action.apply(target.get()));
          }
          return Future.failedFuture(t);
        });
  }

  @Override
  public Future<BlobWriter> newWriter() {
    return Future.succeededFuture(new S3BlobWriter(this, vertx.getOrCreateContext()));
  }

  @Override
  public Future<Optional<BlobStat>> head(BlobKey key) {
    Target known = cached(key);
    if (known != null) {
      // The pointer is known: only the data object's presence and size are asked.
      return headSize(known.objectKey()).compose(size -> {
        if (size.isPresent()) {
          return Future.succeededFuture(Optional.of(new BlobStat(key, size.get())));
        }
        forget(key);
        return head(key);
      });
    }
    return resolve(key).map(target -> target.map(t -> new BlobStat(key, t.size())));
  }

  /** The size of the object at {@code objectKey}, empty when absent. */
  Future<Optional<Long>> headSize(String objectKey) {
    return call("head " + objectKey, () -> client.headObject(b -> b.bucket(options.bucket())
            .key(objectKey)))
        .map(r -> Optional.of(r.contentLength()))
        .recover(t -> t instanceof StorageException se && se.kind() == Kind.NOT_FOUND
            ? Future.succeededFuture(Optional.empty())
            : Future.failedFuture(t));
  }

  @Override
  public Future<ReadStream<Buffer>> get(BlobKey key, long offset, long length) {
    if (offset < 0) {
      return Future.failedFuture(new StorageException(Kind.INVALID_STATE, "negative offset " + offset));
    }
    Context context = vertx.getOrCreateContext();
    if (length == 0) {
      // S3 has no empty range: check what a read would have checked, and read nothing.
      return onTarget(key, target -> checkedEmpty(key, target.objectKey(), offset, context));
    }
    String range = offset == 0 && length < 0 ? null
        : "bytes=" + offset + "-" + (length < 0 ? "" : String.valueOf(offset + length - 1));
    return open(key, range)
        .<ReadStream<Buffer>>map(publisher -> PublisherReadStream.of(publisher, context,
            t -> storageError("read " + key, t)))
        .recover(t -> {
          if (t instanceof StorageException se && se.kind() == Kind.NOT_FOUND) {
            return Future.failedFuture(notFound(key));
          }
          if (isRangeNotSatisfiable(t)) {
            // An offset at or past the end (or any range of a pointer's empty body): the size
            // of what the address resolves to decides between nothing, a failure and a read.
            return onTarget(key, target -> target.pointer() && offset < target.size()
                ? open(key, range).map(publisher -> PublisherReadStream.of(publisher, context,
                    e -> storageError("read " + key, e)))
                : checkedEmpty(key, target.objectKey(), offset, context));
          }
          return Future.failedFuture(t);
        });
  }

  /**
   * GETs the bytes of {@code key}: a cached pointer's data object, else the content address,
   * and when that answers with a pointer, the data object it names.
   */
  private Future<ResponsePublisher<GetObjectResponse>> open(BlobKey key, String range) {
    Target known = cached(key);
    if (known != null) {
      return getObject(known.objectKey(), range).recover(t -> {
        if (t instanceof StorageException se && se.kind() == Kind.NOT_FOUND) {
          forget(key);
          return openAddress(key, range);
        }
        return Future.failedFuture(t);
      });
    }
    return openAddress(key, range);
  }

  private Future<ResponsePublisher<GetObjectResponse>> openAddress(BlobKey key, String range) {
    String address = objectKey(key);
    return getObject(address, range).compose(publisher -> {
      String dataKey = pointerDataKey(publisher.response().metadata());
      if (dataKey == null) {
        return Future.succeededFuture(publisher);
      }
      discardBody(publisher);
      return followPointer(key, address, dataKey).compose(target -> target.isEmpty()
          ? Future.failedFuture(notFound(key))
          : getObject(target.get().objectKey(), range));
    });
  }

  private Future<ResponsePublisher<GetObjectResponse>> getObject(String objectKey, String range) {
    return call("get " + objectKey, () -> client.getObject(
        b -> b.bucket(options.bucket()).key(objectKey).range(range),
        AsyncResponseTransformer.toPublisher()));
  }

  /** Reads and drops a pointer's (empty) body, so that its connection is released. */
  private static void discardBody(ResponsePublisher<GetObjectResponse> publisher) {
    publisher.subscribe(new Subscriber<ByteBuffer>() {
      private Subscription subscription;

      @Override
      public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(1);
      }

      @Override
      public void onNext(ByteBuffer bytes) {
        // Not ours: a pointer has no body. Stop reading it.
        subscription.cancel();
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    });
  }

  private Future<ReadStream<Buffer>> checkedEmpty(BlobKey key, String objectKey, long offset,
      Context context) {
    return headSize(objectKey).compose(size -> {
      if (size.isEmpty()) {
        return Future.failedFuture(notFound(key));
      }
      if (offset > size.get()) {
        return Future.failedFuture(new StorageException(Kind.INVALID_STATE, "offset " + offset
            + " is past the end of " + key + " (" + size.get() + " bytes)"));
      }
      return Future.succeededFuture(PublisherReadStream.empty(context));
    });
  }

  @Override
  public Future<java.util.List<io.artifactstore.storage.StoredObject>> list(BlobKey after,
      int limit) {
    return new S3Inventory(this).list(after, limit);
  }

  @Override
  public Future<java.util.List<io.artifactstore.storage.TemporaryUpload>> temporaries() {
    return new S3Inventory(this).temporaries();
  }

  @Override
  public Future<Boolean> removeTemporary(String id) {
    return new S3Inventory(this).remove(id);
  }

  @Override
  public Future<Boolean> delete(BlobKey key) {
    String address = objectKey(key);
    // S3 deletes answer the same whether or not the object existed: ask first. The pointer goes
    // before its data object, so that an interrupted delete leaves at worst an unreferenced data
    // object, never a pointer to nothing.
    return withKeyLock(key, () -> {
      forget(key);
      return resolve(key).compose(target -> {
        if (target.isEmpty()) {
          // A pointer whose data object has gone: remove the pointer all the same.
          return headSize(address).compose(size -> size.isEmpty()
              ? Future.succeededFuture(false)
              : deleteObject(address).map(false));
        }
        Future<Void> deleted = deleteObject(address);
        if (target.get().pointer()) {
          deleted = deleted.compose(v -> deleteObject(target.get().objectKey()));
        }
        return deleted.onComplete(ar -> forget(key)).map(true);
      });
    });
  }

  Future<Void> deleteObject(String objectKey) {
    return call("delete " + objectKey,
        () -> client.deleteObject(b -> b.bucket(options.bucket()).key(objectKey))).mapEmpty();
  }

  @Override
  public Future<VerifyResult> verify(BlobKey key) {
    Context context = vertx.getOrCreateContext();
    return open(key, null)
        .recover(t -> Future.failedFuture(t instanceof StorageException se
            && se.kind() == Kind.NOT_FOUND ? notFound(key) : t))
        .compose(publisher -> {
          Promise<Digests> done = Promise.promise();
          publisher.subscribe(new HashingSubscriber(context, done));
          return done.future();
        })
        .map(d -> new VerifyResult(key, d.size(), d.sha256Hex(), d.blake3Hex()))
        .recover(t -> Future.failedFuture(storageError("verify " + key, t)));
  }

  /**
   * Hashes a response body one chunk at a time on a worker (ordered on the caller's context),
   * asking for the next chunk only once the previous one is hashed: bounded memory, and no
   * hashing on the SDK's or Vert.x's event loops.
   */
  private static final class HashingSubscriber implements Subscriber<ByteBuffer> {
    private final Context context;
    private final Promise<Digests> done;
    private final MultiDigest digest = new MultiDigest();
    private Subscription subscription;

    HashingSubscriber(Context context, Promise<Digests> done) {
      this.context = context;
      this.done = done;
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(ByteBuffer bytes) {
      byte[] chunk = new byte[bytes.remaining()];
      bytes.get(chunk);
      context.executeBlocking(() -> {
        digest.update(chunk, 0, chunk.length);
        return null;
      }, true).onComplete(ar -> {
        if (ar.failed()) {
          subscription.cancel();
          done.tryFail(ar.cause());
        } else {
          subscription.request(1);
        }
      });
    }

    @Override
    public void onError(Throwable t) {
      done.tryFail(t);
    }

    @Override
    public void onComplete() {
      // Ordered after every queued hashing task of this context.
      context.executeBlocking(digest::finish, true).onComplete(done);
    }
  }

  @Override
  public Future<StorageHealth> health() {
    String probe = options.prefix() + HEALTH + UUID.randomUUID();
    return call("write probe " + probe, () -> client.putObject(
            b -> b.bucket(options.bucket()).key(probe), AsyncRequestBody.fromString("ok")))
        .compose(r -> deleteObject(probe))
        .map(v -> StorageHealth.up(detail().put("probe", "wrote and removed an object under "
            + HEALTH)))
        .recover(t -> Future.succeededFuture(new StorageHealth(false,
            detail().put("reason", storageError("health", t).getMessage()))));
  }

  private JsonObject detail() {
    return new JsonObject()
        .put("endpoint", options.endpoint() == null ? "(AWS)" : options.endpoint().toString())
        .put("region", options.region())
        .put("bucket", options.bucket())
        .put("prefix", options.prefix());
  }

  @Override
  public Future<Void> close() {
    // Closing shuts the Netty event loops down and waits for them: not on an event loop.
    return vertx.executeBlocking(() -> {
      client.close();
      return null;
    }, false);
  }

  /** Serialises {@code block} with every other publish of {@code key} in this process. */
  <T> Future<T> withKeyLock(BlobKey key, Supplier<Future<T>> block) {
    return vertx.sharedData().withLocalLock(
        "artifactstore.s3." + options.id() + "." + options.bucket() + "/" + objectKey(key), block);
  }

  /**
   * Calls the SDK and completes on the caller's context; failures become
   * {@link StorageException}s described by {@code what}.
   */
  <T> Future<T> call(String what, Supplier<CompletableFuture<T>> request) {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<T> future;
    try {
      future = request.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(storageError(what, e));
    }
    return Future.fromCompletionStage(future, context)
        .recover(t -> Future.failedFuture(storageError(what, t)));
  }

  /** Maps an SDK failure to a storage failure whose message has no credentials. */
  StorageException storageError(String what, Throwable t) {
    Throwable cause = t;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof StorageException se) {
      return se;
    }
    Kind kind;
    if (cause instanceof S3Exception s3) {
      int status = s3.statusCode();
      // A missing bucket is a misconfigured or unreachable store, not a missing object.
      boolean noBucket = s3.awsErrorDetails() != null
          && "NoSuchBucket".equals(s3.awsErrorDetails().errorCode());
      kind = status == 404 && !noBucket ? Kind.NOT_FOUND
          : noBucket || status == 401 || status == 403 || status >= 500 ? Kind.UNAVAILABLE
          : Kind.IO;
    } else if (cause instanceof SdkClientException) {
      kind = Kind.UNAVAILABLE;
    } else {
      kind = Kind.IO;
    }
    String message = "s3 " + options.bucket() + ": " + what + ": " + redact(String.valueOf(
        cause.getMessage()));
    return new StorageException(kind, message, cause);
  }

  private String redact(String message) {
    String redacted = message;
    if (options.secretAccessKey() != null && !options.secretAccessKey().isEmpty()) {
      redacted = redacted.replace(options.secretAccessKey(), "***");
    }
    if (options.accessKeyId() != null && !options.accessKeyId().isEmpty()) {
      redacted = redacted.replace(options.accessKeyId(), "***");
    }
    return redacted;
  }

  private static boolean isRangeNotSatisfiable(Throwable t) {
    return t instanceof StorageException se && se.getCause() instanceof S3Exception s3
        && s3.statusCode() == 416;
  }

  private static StorageException notFound(BlobKey key) {
    return new StorageException(Kind.NOT_FOUND, "no object " + key);
  }

  @Override
  public String toString() {
    return "S3Backend[" + options + "]";
  }
}
