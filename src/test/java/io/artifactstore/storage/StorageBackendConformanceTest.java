package io.artifactstore.storage;

import static io.artifactstore.storage.BlobStreams.digest;
import static io.artifactstore.storage.BlobStreams.keyOf;
import static io.artifactstore.storage.BlobStreams.randomBytes;
import static io.artifactstore.storage.BlobStreams.writeChunks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.hashing.Digests;
import io.artifactstore.hashing.MultiDigest;
import io.artifactstore.storage.BlobWriter.CommitResult;
import io.artifactstore.storage.StorageException.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every {@link StorageBackend} must have, run once per backend type by a concrete
 * subclass. Only the interface is used here; backend-specific checks live in the subclasses,
 * partly through {@link #assertNoTemporaryLeftovers()}.
 *
 * <p>Backend calls run on one event-loop context, as they do in the service, and the test
 * thread waits for their outcome.
 */
@ExtendWith(VertxExtension.class)
public abstract class StorageBackendConformanceTest {

  private static final long TIMEOUT_SECONDS = 120;

  protected Vertx vertx;
  protected Context context;
  protected StorageBackend backend;

  /** Starts a fresh, empty backend. */
  protected abstract Future<StorageBackend> createBackend(Vertx vertx);

  /** Fails when the backend kept temporary upload data; backends without any need not check. */
  protected void assertNoTemporaryLeftovers() throws Exception {}

  @BeforeEach
  void startBackend(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.backend = await(() -> createBackend(vertx));
  }

  @AfterEach
  void closeBackend() {
    if (backend != null) {
      await(backend::close);
    }
  }

  /** Runs {@code action} on the test's context and waits for its result. */
  protected <T> T await(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(promise);
      } catch (Throwable t) {
        promise.fail(t);
      }
    });
    try {
      return promise.future().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("storage operation did not complete", e);
    }
  }

  /** Waits for {@code action} to fail with a {@link StorageException} of the given kind. */
  protected StorageException awaitFailure(Kind kind, Supplier<Future<?>> action) {
    Throwable failure = await(() -> action.get().transform(ar -> ar.succeeded()
        ? Future.failedFuture(new AssertionError("expected a failure, got " + ar.result()))
        : Future.succeededFuture(ar.cause())));
    StorageException e = assertInstanceOf(StorageException.class, failure);
    assertEquals(kind, e.kind(), e.getMessage());
    return e;
  }

  /** Stores {@code content} in one write and returns the commit result. */
  protected CommitResult store(Buffer content) {
    return await(() -> backend.newWriter().compose(writer -> writer.write(content)
        .compose(v -> writer.commit(keyOf(content)))));
  }

  protected Buffer read(BlobKey key, long offset, long length) {
    return await(() -> backend.get(key, offset, length).compose(BlobStreams::readAll));
  }

  @Test
  @DisplayName("a committed object is reported by head and read back byte for byte")
  void writeCommitRead() {
    Buffer content = randomBytes(300_000, 1);
    BlobKey key = keyOf(content);
    BlobWriter writer = await(backend::newWriter);
    await(() -> writer.write(content.getBuffer(0, 100_000)));
    await(() -> writer.write(content.getBuffer(100_000, content.length())));
    assertEquals(content.length(), writer.bytesWritten());
    assertEquals(Optional.empty(), await(() -> backend.head(key)), "visible before commit");

    CommitResult result = await(() -> writer.commit(key));

    assertEquals(new CommitResult(key, content.length(), false), result);
    assertEquals(Optional.of(new BlobStat(key, content.length())), await(() -> backend.head(key)));
    assertEquals(content, read(key, 0, -1));
  }

  @Test
  @DisplayName("ranged reads return exactly the requested bytes")
  void rangedReads() {
    Buffer content = randomBytes(200_000, 2);
    BlobKey key = store(content).key();
    int size = content.length();

    assertEquals(content.getBuffer(10, 30), read(key, 10, 20), "offset and length");
    assertEquals(content.getBuffer(150_000, size), read(key, 150_000, -1), "open-ended");
    assertEquals(Buffer.buffer(), read(key, 123, 0), "zero length");
    assertEquals(content.getBuffer(size - 1, size), read(key, size - 1, 1), "last byte");
    assertEquals(content.getBuffer(size - 1, size), read(key, size - 1, -1), "open from last byte");
    assertEquals(content.getBuffer(70_000, size), read(key, 70_000, size), "cut at the end");
    assertEquals(Buffer.buffer(), read(key, size, -1), "offset at the end");
    awaitFailure(Kind.INVALID_STATE, () -> backend.get(key, size + 1L, -1));
    awaitFailure(Kind.INVALID_STATE, () -> backend.get(key, -1, 10));
  }

  @Test
  @DisplayName("a read stream delivers nothing while paused and only what was fetched")
  void readHonoursBackPressure() {
    Buffer content = randomBytes(1024 * 1024, 3);
    BlobKey key = store(content).key();
    Buffer received = Buffer.buffer();
    List<String> violations = new ArrayList<>();

    // One chunk is fetched at a time, on a later turn of the event loop than the chunk before;
    // a chunk that arrives beyond what was fetched is a violation, whenever it comes.
    int chunks = await(() -> backend.get(key, 0, -1).compose(stream -> {
      Promise<Integer> ended = Promise.promise();
      long[] fetched = {0};
      int[] delivered = {0};
      stream.pause();
      stream.exceptionHandler(ended::tryFail);
      stream.endHandler(v -> ended.tryComplete(delivered[0]));
      stream.handler(chunk -> {
        delivered[0]++;
        received.appendBuffer(chunk);
        if (delivered[0] > fetched[0]) {
          violations.add("chunk " + delivered[0] + " arrived with " + fetched[0] + " fetched");
        }
        vertx.runOnContext(v -> {
          fetched[0]++;
          stream.fetch(1);
        });
      });
      vertx.runOnContext(v -> {
        fetched[0]++;
        stream.fetch(1);
      });
      return ended.future();
    }));

    assertEquals(List.of(), violations);
    assertTrue(chunks > 1, "a 1 MiB object is read in several chunks, got " + chunks);
    assertEquals(content, received);
  }

  @Test
  @DisplayName("a 64 MiB upload streamed in chunks under back-pressure round-trips with its digests")
  void largeStreamedWrite() {
    int chunkSize = 64 * 1024;
    int chunks = 1024;
    MultiDigest written = new MultiDigest();

    BlobWriter writer = await(backend::newWriter);
    await(() -> writeChunks(writer, chunks, i -> {
      Buffer chunk = randomBytes(chunkSize, 1000 + i);
      written.update(chunk);
      return chunk;
    }));
    Digests expected = written.finish();
    BlobKey key = BlobKey.sha256(expected.sha256Hex());
    CommitResult result = await(() -> writer.commit(key));

    assertEquals((long) chunkSize * chunks, result.size());
    Digests read = await(() -> backend.get(key, 0, -1).compose(BlobStreams::digestStream));
    assertEquals(expected.size(), read.size());
    assertEquals(expected.sha256Hex(), read.sha256Hex());
    assertEquals(expected.blake3Hex(), read.blake3Hex());
    VerifyResult verified = await(() -> backend.verify(key));
    assertTrue(verified.matches(expected.size(), expected.sha256Hex(), expected.blake3Hex()));
  }

  @Test
  @DisplayName("identical content committed twice is stored once and stays readable")
  void deduplication() throws Exception {
    Buffer content = randomBytes(50_000, 4);

    CommitResult first = store(content);
    CommitResult second = store(content);

    assertFalse(first.deduplicated());
    assertTrue(second.deduplicated());
    assertEquals(first.key(), second.key());
    assertEquals(content.length(), second.size());
    assertEquals(content, read(first.key(), 0, -1));
    assertNoTemporaryLeftovers();
  }

  @Test
  @DisplayName("identical content committed concurrently is reported new exactly once")
  void concurrentIdenticalCommits() throws Exception {
    Buffer content = randomBytes(100_000, 5);
    BlobKey key = keyOf(content);

    List<CommitResult> results = await(() -> {
      List<Future<CommitResult>> commits = IntStream.range(0, 6)
          .mapToObj(i -> backend.newWriter()
              .compose(w -> w.write(content).compose(v -> w.commit(key))))
          .toList();
      return Future.all(commits).map(all -> all.<CommitResult>list());
    });

    assertEquals(1, results.stream().filter(r -> !r.deduplicated()).count(), results.toString());
    assertEquals(content, read(key, 0, -1));
    assertNoTemporaryLeftovers();
  }

  @Test
  @DisplayName("cancel discards the upload and is idempotent")
  void cancelLeavesNothing() throws Exception {
    Buffer content = randomBytes(10_000, 6);
    BlobKey key = keyOf(content);
    BlobWriter writer = await(backend::newWriter);
    await(() -> writer.write(content));

    await(writer::cancel);
    await(writer::cancel);

    assertEquals(Optional.empty(), await(() -> backend.head(key)));
    awaitFailure(Kind.NOT_FOUND, () -> backend.get(key, 0, -1));
    assertNoTemporaryLeftovers();
  }

  @Test
  @DisplayName("writing to or committing a finished writer fails with INVALID_STATE")
  void writerMisuseFails() throws Exception {
    Buffer content = Buffer.buffer("some bytes");
    BlobKey key = keyOf(content);
    BlobWriter cancelled = await(backend::newWriter);
    await(() -> cancelled.write(content));
    await(cancelled::cancel);

    awaitFailure(Kind.INVALID_STATE, () -> cancelled.write(content));
    awaitFailure(Kind.INVALID_STATE, () -> cancelled.commit(key));
    await(cancelled::cancel);
    assertEquals(Optional.empty(), await(() -> backend.head(key)));

    BlobWriter committed = await(backend::newWriter);
    await(() -> committed.write(content));
    await(() -> committed.commit(key));
    awaitFailure(Kind.INVALID_STATE, () -> committed.write(content));
    awaitFailure(Kind.INVALID_STATE, () -> committed.commit(key));
    await(committed::cancel);
    assertEquals(content, read(key, 0, -1), "cancel after commit must keep the object");
    assertNoTemporaryLeftovers();
  }

  @Test
  @DisplayName("head, get, delete and verify of an absent key report absence")
  void absentKey() {
    BlobKey key = keyOf(Buffer.buffer("never stored"));

    assertEquals(Optional.empty(), await(() -> backend.head(key)));
    awaitFailure(Kind.NOT_FOUND, () -> backend.get(key, 0, -1));
    assertFalse(await(() -> backend.delete(key)));
    awaitFailure(Kind.NOT_FOUND, () -> backend.verify(key));
  }

  @Test
  @DisplayName("a deleted object is absent afterwards")
  void deleteThenAbsent() {
    Buffer content = randomBytes(20_000, 7);
    BlobKey key = store(content).key();

    assertTrue(await(() -> backend.delete(key)));

    assertEquals(Optional.empty(), await(() -> backend.head(key)));
    awaitFailure(Kind.NOT_FOUND, () -> backend.get(key, 0, -1));
    assertFalse(await(() -> backend.delete(key)));
    assertFalse(store(content).deduplicated(), "content stored again after delete is new");
  }

  @Test
  @DisplayName("verify returns the size and digests of the stored bytes")
  void verifyDigests() {
    Buffer content = randomBytes(123_457, 8);
    Digests expected = digest(content);
    BlobKey key = store(content).key();

    VerifyResult result = await(() -> backend.verify(key));

    assertEquals(new VerifyResult(key, content.length(), expected.sha256Hex(), expected.blake3Hex()),
        result);
  }

  @Test
  @DisplayName("an empty object can be committed, read and verified")
  void emptyObject() {
    Buffer empty = Buffer.buffer();
    BlobKey key = keyOf(empty);
    BlobWriter writer = await(backend::newWriter);

    CommitResult result = await(() -> writer.commit(key));

    assertEquals(new CommitResult(key, 0, false), result);
    assertEquals(Optional.of(new BlobStat(key, 0)), await(() -> backend.head(key)));
    assertEquals(empty, read(key, 0, -1));
    VerifyResult verified = await(() -> backend.verify(key));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", verified.sha256());
    assertEquals(0, verified.size());
  }

  @Test
  @DisplayName("concurrent writers of different content do not interfere")
  void concurrentWriters() throws Exception {
    int writers = 8;
    int rounds = 20;
    int chunkSize = 16 * 1024;
    List<Buffer> contents = IntStream.range(0, writers)
        .mapToObj(w -> randomBytes(rounds * chunkSize, 100 + w)).toList();

    List<CommitResult> results = await(() -> {
      List<Future<BlobWriter>> opening = IntStream.range(0, writers)
          .mapToObj(i -> backend.newWriter()).toList();
      return Future.all(opening).compose(opened -> {
        List<BlobWriter> open = opened.list();
        // Interleave: every round writes one chunk to every writer before the next round.
        List<Future<Void>> writes = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          for (int w = 0; w < writers; w++) {
            writes.add(open.get(w).write(contents.get(w).getBuffer(r * chunkSize, (r + 1) * chunkSize)));
          }
        }
        return Future.all(writes).compose(v -> Future.all(IntStream.range(0, writers)
            .mapToObj(w -> open.get(w).commit(keyOf(contents.get(w)))).toList()));
      }).map(all -> all.<CommitResult>list());
    });

    for (int w = 0; w < writers; w++) {
      assertFalse(results.get(w).deduplicated());
      assertEquals(contents.get(w), read(results.get(w).key(), 0, -1), "writer " + w);
    }
    assertNoTemporaryLeftovers();
  }

  @Test
  @DisplayName("health reports up with details")
  void healthUp() {
    StorageHealth health = await(backend::health);

    assertTrue(health.up(), () -> health.detail().encode());
    assertFalse(health.detail().isEmpty());
  }
}
