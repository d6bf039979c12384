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
 * address at commit. Larger ones stream as a multipart upload to {@code <prefix>_uploads/<uuid>}
 * and are copied server-side to their content address at commit (see {@link S3BlobWriter}); the
 * digest, and so the final key, is known only once the last byte has been read.
 *
 * <p>Publishing one key is serialised within the process (a Vert.x local lock per key) so that
 * the existence check and the write are one step: of two identical concurrent uploads, exactly
 * one reports itself as new. Across processes the check is not atomic; two servers racing on
 * the same content may both write it, which is harmless since the bytes are identical.
 *
 * <p>Every SDK future is brought back onto the calling Vert.x context; nothing here blocks an
 * event loop. Error messages never carry the credentials.
 */
public final class S3Backend implements StorageBackend {

  /** Key segment (under the prefix) of in-progress multipart uploads. */
  public static final String UPLOADS = "_uploads/";
  /** Key segment (under the prefix) of the health probe objects. */
  public static final String HEALTH = "_health/";

  private final Vertx vertx;
  private final S3AsyncClient client;
  private final S3Options options;

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

  String newTempKey() {
    return options.prefix() + UPLOADS + UUID.randomUUID();
  }

  @Override
  public Future<BlobWriter> newWriter() {
    return Future.succeededFuture(new S3BlobWriter(this, vertx.getOrCreateContext()));
  }

  @Override
  public Future<Optional<BlobStat>> head(BlobKey key) {
    return headSize(objectKey(key)).map(size -> size.map(s -> new BlobStat(key, s)));
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
    String objectKey = objectKey(key);
    if (length == 0) {
      // S3 has no empty range: check what a read would have checked, and read nothing.
      return checkedEmpty(key, objectKey, offset, context);
    }
    String range = offset == 0 && length < 0 ? null
        : "bytes=" + offset + "-" + (length < 0 ? "" : String.valueOf(offset + length - 1));
    return this.<ResponsePublisher<GetObjectResponse>>call("get " + key,
            () -> client.getObject(b -> b.bucket(options.bucket()).key(objectKey).range(range),
                AsyncResponseTransformer.toPublisher()))
        .<ReadStream<Buffer>>map(publisher -> PublisherReadStream.of(publisher, context,
            t -> storageError("read " + key, t)))
        .recover(t -> {
          if (t instanceof StorageException se && se.kind() == Kind.NOT_FOUND) {
            return Future.failedFuture(notFound(key));
          }
          if (isRangeNotSatisfiable(t)) {
            // An offset at or past the end: which one decides between nothing and a failure.
            return checkedEmpty(key, objectKey, offset, context);
          }
          return Future.failedFuture(t);
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
  public Future<Boolean> delete(BlobKey key) {
    String objectKey = objectKey(key);
    // S3 deletes answer the same whether or not the object existed: ask first.
    return headSize(objectKey).compose(size -> size.isEmpty()
        ? Future.succeededFuture(false)
        : deleteObject(objectKey).map(true));
  }

  Future<Void> deleteObject(String objectKey) {
    return call("delete " + objectKey,
        () -> client.deleteObject(b -> b.bucket(options.bucket()).key(objectKey))).mapEmpty();
  }

  @Override
  public Future<VerifyResult> verify(BlobKey key) {
    Context context = vertx.getOrCreateContext();
    String objectKey = objectKey(key);
    return this.<ResponsePublisher<GetObjectResponse>>call("verify " + key,
            () -> client.getObject(b -> b.bucket(options.bucket()).key(objectKey),
                AsyncResponseTransformer.toPublisher()))
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
