package io.artifactstore.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.hashing.MultiDigest;
import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.BlobWriter.CommitResult;
import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.StorageBackendConformanceTest;
import io.artifactstore.storage.StorageException;
import io.artifactstore.storage.StorageException.Kind;
import io.artifactstore.storage.VerifyResult;
import io.artifactstore.support.TestS3;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite against {@link S3Backend} on an in-process S3Proxy, plus what only an
 * object store shows: multipart uploads, pointers to data objects, the memory bound, leftovers in
 * the bucket.
 */
class S3BackendConformanceTest extends StorageBackendConformanceTest {

  private static final int MIB = 1024 * 1024;

  private JsonObject config;

  @Override
  protected Future<StorageBackend> createBackend(Vertx vertx) {
    config = TestS3.get().backendOptions();
    return S3BackendFactory.create(vertx, S3Options.parse("s3", config)).map(b -> b);
  }

  private String bucket() {
    return config.getString("bucket");
  }

  /** A backend on the same bucket with another part size. */
  private S3Backend backendWith(int partSize, int inflight) {
    S3Options options = S3Options.parse("s3", config).withPartSize(partSize, inflight);
    return await(() -> S3BackendFactory.create(vertx, options));
  }

  /** Every data object is named by a pointer; no probe, no unfinished multipart upload. */
  @Override
  protected void assertNoTemporaryLeftovers() {
    List<String> named = TestS3.get().keys(bucket(), "sha256/").stream()
        .map(this::pointedDataKey).filter(k -> k != null).sorted().toList();
    assertEquals(named, TestS3.get().keys(bucket(), S3Backend.OBJECTS).stream().sorted().toList(),
        "data objects that no pointer names");
    assertEquals(List.of(), TestS3.get().keys(bucket(), "_uploads/"), "temporary objects");
    assertEquals(List.of(), TestS3.get().keys(bucket(), S3Backend.HEALTH), "health probes");
    assertEquals(List.of(), TestS3.get().pendingUploads(bucket()), "unfinished multipart uploads");
  }

  /** The data key the object at {@code key} names if it is a pointer, else null. */
  private String pointedDataKey(String key) {
    HeadObjectResponse head = TestS3.get().client().headObject(b -> b.bucket(bucket()).key(key))
        .join();
    return head.metadata().get(S3Backend.META_DATA_KEY);
  }

  private HeadObjectResponse headRaw(String key) {
    return TestS3.get().client().headObject(b -> b.bucket(bucket()).key(key)).join();
  }

  private static Buffer random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  private static BlobKey keyOf(Buffer content) {
    MultiDigest digest = new MultiDigest();
    digest.update(content);
    return BlobKey.sha256(digest.finish().sha256Hex());
  }

  /**
   * Writes {@code content} in {@code chunk}-byte writes, pausing while the queue is full like a
   * pipe does; completes with the number of times the queue reported full.
   */
  private static Future<Integer> writeUnderBackPressure(BlobWriter writer, Buffer content, int chunk) {
    Promise<Integer> done = Promise.promise();
    new Runnable() {
      private int pos;
      private int fullCount;

      @Override
      public void run() {
        while (pos < content.length()) {
          if (writer.writeQueueFull()) {
            fullCount++;
            writer.drainHandler(v -> run());
            return;
          }
          int end = Math.min(content.length(), pos + chunk);
          writer.write(content.getBuffer(pos, end)).onFailure(done::tryFail);
          pos = end;
        }
        done.tryComplete(fullCount);
      }
    }.run();
    return done.future();
  }

  private Buffer readFrom(StorageBackend from, BlobKey key, long offset, long length) {
    return await(() -> from.get(key, offset, length).compose(stream -> {
      Promise<Buffer> done = Promise.promise();
      Buffer all = Buffer.buffer();
      stream.exceptionHandler(done::tryFail);
      stream.endHandler(v -> done.tryComplete(all));
      stream.handler(all::appendBuffer);
      return done.future();
    }));
  }

  @Test
  @DisplayName("a 23 MiB object in 5 MiB parts round-trips, with ranges across part boundaries")
  void multipartRoundTrip() {
    S3Backend parts = backendWith(5 * MIB, 2);
    try {
      Buffer content = random(23 * MIB, 40);
      BlobKey key = keyOf(content);
      BlobWriter writer = await(parts::newWriter);
      await(() -> writeUnderBackPressure(writer, content, 256 * 1024));

      CommitResult result = await(() -> writer.commit(key));

      assertEquals(new CommitResult(key, content.length(), false), result);
      assertEquals(List.of(parts.objectKey(key)), TestS3.get().keys(bucket(), "sha256/"));
      assertEquals(1, TestS3.get().keys(bucket(), S3Backend.OBJECTS).size(), "one data object");
      assertEquals(content, readFrom(parts, key, 0, -1));
      long boundary = 5L * MIB;
      assertEquals(content.getBuffer((int) boundary - 10, (int) boundary + 10),
          readFrom(parts, key, boundary - 10, 20), "across the first boundary");
      assertEquals(content.getBuffer(3 * MIB, 17 * MIB), readFrom(parts, key, 3 * MIB, 14 * MIB),
          "spanning several parts");
      assertEquals(content.getBuffer(20 * MIB + 1, content.length()),
          readFrom(parts, key, 20 * MIB + 1, -1), "into the short last part");
      VerifyResult verified = await(() -> parts.verify(key));
      assertEquals(content.length(), verified.size());
      assertEquals(key.hex(), verified.sha256());
      assertTrue(await(() -> parts.newWriter().compose(w -> writeUnderBackPressure(w, content, MIB)
          .compose(n -> w.commit(key)))).deduplicated(), "the same large content again");
      assertEquals(1, TestS3.get().keys(bucket(), S3Backend.OBJECTS).size(),
          "the duplicate's data object is deleted");
      assertNoTemporaryLeftovers();
    } finally {
      await(parts::close);
    }
  }

  @Test
  @DisplayName("a large object is stored once under objects/, with a pointer at its address and no copy (checksums when required)")
  void largeObjectStoredOnce() {
    // checksum_mode when_required: plain signed uploads, as for servers rejecting CRC trailers.
    config.put("checksum_mode", "when_required");
    S3Backend large = backendWith(5 * MIB, 4);
    try {
      Buffer content = random(12 * MIB + 7, 41);
      BlobKey key = keyOf(content);
      S3BlobWriter writer = (S3BlobWriter) await(large::newWriter);
      await(() -> writeUnderBackPressure(writer, content, 256 * 1024));

      assertFalse(await(() -> writer.commit(key)).deduplicated());

      List<String> data = TestS3.get().keys(bucket(), S3Backend.OBJECTS);
      assertEquals(List.of(writer.dataObjectKey()), data, "the multipart upload's own key");
      assertEquals(content.length(), headRaw(data.get(0)).contentLength());
      HeadObjectResponse pointer = headRaw(large.objectKey(key));
      assertEquals(0L, pointer.contentLength(), "the address holds a pointer, not a copy");
      assertEquals(data.get(0), pointer.metadata().get(S3Backend.META_DATA_KEY));
      assertEquals(String.valueOf(content.length()), pointer.metadata().get(S3Backend.META_SIZE));
      assertEquals(List.of(large.objectKey(key)), TestS3.get().keys(bucket(), "sha256/"));

      assertEquals(content.length(), await(() -> large.head(key)).orElseThrow().size());
      assertTrue(large.isCached(key), "the resolved pointer is cached");
      assertEquals(content, readFrom(large, key, 0, -1));
      assertEquals(content.getBuffer(7 * MIB, 7 * MIB + 9), readFrom(large, key, 7 * MIB, 9));
      assertEquals(Buffer.buffer(), readFrom(large, key, content.length(), -1));
      awaitFailure(Kind.INVALID_STATE, () -> large.get(key, content.length() + 1L, -1));
      assertEquals(key.hex(), await(() -> large.verify(key)).sha256());
      assertNoTemporaryLeftovers();

      // A fresh backend (another server) resolves the same pointer from the bucket.
      S3Backend other = backendWith(5 * MIB, 4);
      try {
        assertEquals(content.getBuffer(5 * MIB - 3, 5 * MIB + 3),
            readFrom(other, key, 5 * MIB - 3, 6), "a range, pointer not yet cached");
        assertFalse(await(() -> other.delete(BlobKey.sha256("0".repeat(64)))));
        assertEquals(content.length(), await(() -> other.head(key)).orElseThrow().size());
        assertEquals(content, readFrom(other, key, 0, -1));
      } finally {
        await(other::close);
      }

      assertTrue(await(() -> large.delete(key)));
      assertFalse(large.isCached(key), "delete drops the cached pointer");
      assertEquals(List.of(), TestS3.get().keys(bucket(), ""), "pointer and data object deleted");
      assertTrue(await(() -> large.head(key)).isEmpty());
      awaitFailure(Kind.NOT_FOUND, () -> large.get(key, 0, -1));
      assertFalse(await(() -> large.delete(key)));
    } finally {
      await(large::close);
    }
  }

  @Test
  @DisplayName("a cached pointer whose objects were deleted elsewhere reads as absent")
  void stalePointerCache() {
    S3Backend large = backendWith(5 * MIB, 2);
    S3Backend other = backendWith(5 * MIB, 2);
    try {
      Buffer content = random(6 * MIB, 48);
      BlobKey key = keyOf(content);
      await(() -> large.newWriter().compose(w -> writeUnderBackPressure(w, content, MIB)
          .compose(n -> w.commit(key))));
      assertEquals(content, readFrom(large, key, 0, -1));
      assertTrue(large.isCached(key));

      assertTrue(await(() -> other.delete(key)));

      assertTrue(await(() -> large.head(key)).isEmpty());
      awaitFailure(Kind.NOT_FOUND, () -> large.get(key, 0, -1));
      awaitFailure(Kind.NOT_FOUND, () -> large.verify(key));
      assertFalse(await(() -> large.newWriter().compose(w -> writeUnderBackPressure(w, content, MIB)
          .compose(n -> w.commit(key)))).deduplicated(), "stored again after the delete");
      assertEquals(content, readFrom(large, key, 0, -1));
      assertNoTemporaryLeftovers();
    } finally {
      await(large::close);
      await(other::close);
    }
  }

  @Test
  @DisplayName("the writer holds at most max_inflight_parts + 1 parts, plus one write, at any time")
  void memoryBound() {
    int partSize = 5 * MIB;
    int chunk = 256 * 1024;
    S3Backend bounded = backendWith(partSize, 2);
    try {
      Buffer content = random(48 * MIB, 42);
      S3BlobWriter writer = (S3BlobWriter) await(bounded::newWriter);

      int timesFull = await(() -> writeUnderBackPressure(writer, content, chunk));
      await(() -> writer.commit(keyOf(content)));

      assertTrue(timesFull > 0, "the write queue never filled: nothing was bounded");
      long bound = 3L * partSize + chunk;
      assertTrue(writer.peakBufferedBytes() <= bound,
          "held " + writer.peakBufferedBytes() + " bytes, bound " + bound);
      assertTrue(writer.peakBufferedBytes() >= 2L * partSize, "parts were uploaded concurrently");
      assertTrue(writer.partArraysAllocated() <= 3,
          writer.partArraysAllocated() + " part buffers allocated for 10 parts");
      assertEquals(content, readFrom(bounded, keyOf(content), 0, -1));
    } finally {
      await(bounded::close);
    }
  }

  @Test
  @DisplayName("cancelling a multipart upload aborts it: no object, no pending upload")
  void cancelMultipart() {
    S3Backend parts = backendWith(5 * MIB, 2);
    try {
      Buffer content = random(13 * MIB, 43);
      BlobWriter writer = await(parts::newWriter);
      await(() -> writeUnderBackPressure(writer, content, 256 * 1024));
      // Writes complete once buffered: the upload reaches the server a moment later.
      long deadline = System.currentTimeMillis() + 10_000;
      while (TestS3.get().pendingUploads(bucket()).isEmpty()
          && System.currentTimeMillis() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(1, TestS3.get().pendingUploads(bucket()).size(), "a multipart upload started");

      await(writer::cancel);

      assertNoTemporaryLeftovers();
      assertEquals(List.of(), TestS3.get().keys(bucket(), "sha256/"));
      assertEquals(List.of(), TestS3.get().keys(bucket(), S3Backend.OBJECTS));
    } finally {
      await(parts::close);
    }
  }

  @Test
  @DisplayName("a commit that fails midway leaves nothing behind and reports a storage failure")
  void failedCommitLeavesNothing() {
    S3Backend parts = backendWith(5 * MIB, 2);
    try {
      Buffer content = random(11 * MIB, 44);
      BlobKey key = keyOf(content);
      BlobWriter writer = await(parts::newWriter);
      await(() -> writeUnderBackPressure(writer, content, 256 * 1024));
      // An object where the address needs a folder makes the pointer's write fail on the
      // filesystem that S3Proxy stores in, after the data object is complete.
      String blocker = "sha256/" + key.hex().substring(0, 2);
      TestS3.get().client().putObject(b -> b.bucket(bucket()).key(blocker),
          software.amazon.awssdk.core.async.AsyncRequestBody.fromString("in the way")).join();

      Throwable failure = await(() -> writer.commit(key).transform(ar -> ar.succeeded()
          ? Future.failedFuture(new AssertionError("expected a failure, got " + ar.result()))
          : Future.succeededFuture(ar.cause())));

      assertTrue(failure instanceof StorageException, failure.toString());
      assertTrue(failure.getMessage().startsWith("s3 " + bucket()), failure.getMessage());
      await(writer::cancel);
      assertEquals(List.of(), TestS3.get().keys(bucket(), S3Backend.OBJECTS), "data object");
      assertEquals(List.of(), TestS3.get().pendingUploads(bucket()), "unfinished uploads");
      assertEquals(List.of(blocker), TestS3.get().keys(bucket(), "sha256/"));
    } finally {
      await(parts::close);
    }
  }

  @Test
  @DisplayName("objects go under the configured prefix, probes and uploads too")
  void prefix() {
    config.put("prefix", "/tenant/a/");
    S3Backend prefixed = await(() -> S3BackendFactory.create(vertx, S3Options.parse("s3", config)));
    try {
      Buffer content = random(1000, 45);
      BlobKey key = keyOf(content);
      await(() -> prefixed.newWriter().compose(w -> w.write(content).compose(v -> w.commit(key))));

      assertEquals(List.of("tenant/a/" + key.relativePath()), TestS3.get().keys(bucket(), ""));
      assertTrue(await(prefixed::health).up());
      assertEquals(List.of("tenant/a/" + key.relativePath()), TestS3.get().keys(bucket(), ""));
    } finally {
      await(prefixed::close);
    }
  }

  @Test
  @DisplayName("a read stream can be abandoned midway without failing the backend")
  void abandonedRead() {
    Buffer content = random(2 * MIB, 46);
    BlobKey key = store(content).key();
    Buffer first = await(() -> backend.get(key, 0, -1).compose(stream -> {
      Promise<Buffer> one = Promise.promise();
      stream.handler(b -> {
        stream.handler(null);
        one.tryComplete(b);
      });
      return one.future();
    }));
    assertTrue(first.length() > 0);
    assertEquals(content, read(key, 0, -1));
  }

  @Test
  @DisplayName("health is down, without failing and without credentials, when the bucket is missing or the secret wrong")
  void healthDownWithoutSecrets() {
    JsonObject missing = config.copy().put("bucket", "no-such-bucket-here");
    JsonObject wrongSecret = config.copy().put("secret_access_key", "wrong-secret-value-123");
    for (JsonObject options : List.of(missing, wrongSecret)) {
      S3Backend broken = await(() -> S3BackendFactory.create(vertx, S3Options.parse("s3", options)));
      try {
        var health = await(broken::health);
        assertFalse(health.up(), health.detail().encode());
        String text = health.detail().encode() + broken + broken.options();
        StorageException failure = awaitFailure(Kind.UNAVAILABLE,
            () -> broken.get(keyOf(Buffer.buffer("x")), 0, -1));
        text += failure.getMessage() + failure;
        assertFalse(text.contains(options.getString("secret_access_key")), text);
        assertFalse(text.contains(TestS3.ACCESS_KEY_ID), text);
      } finally {
        await(broken::close);
      }
    }
  }

  @Test
  @DisplayName("streams returned by get end at once for an empty range")
  void emptyRangeStream() {
    Buffer content = random(100, 47);
    BlobKey key = store(content).key();
    ReadStream<Buffer> stream = await(() -> backend.get(key, 100, 5));
    assertEquals(Buffer.buffer(), await(() -> {
      Promise<Buffer> done = Promise.promise();
      Buffer all = Buffer.buffer();
      stream.handler(all::appendBuffer);
      stream.endHandler(v -> done.tryComplete(all));
      return done.future();
    }));
  }
}
