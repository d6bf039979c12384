package io.artifactstore.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.hashing.Digests;
import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.StorageBackend;
import io.artifactstore.storage.local.LocalBackend;
import io.artifactstore.storage.memory.MemoryBackend;
import io.artifactstore.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pieces of a body of any size, gathered into slabs, reach both digests and the writer whole and
 * in order; the caller's buffers are copied at once, a slab is reused only once the writer and
 * the digests are done with it, and every slab is given back, also when the writer fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HashingWriteStreamTest {

  private Vertx vertx;
  @TempDir
  Path root;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private StorageBackend backend(String kind) {
    return kind.equals("memory") ? new MemoryBackend(vertx, "m")
        : LocalBackend.start(vertx, "local", root).await();
  }

  /** Piece sizes: slab-sized and off-by-one pieces first, then random ones up to 70 KB. */
  private static List<Integer> sizes(Random random, int count) {
    List<Integer> sizes = new ArrayList<>(List.of(1, Slab.BYTES, Slab.BYTES - 1, 2, Slab.BYTES));
    for (int i = 0; i < count; i++) {
      sizes.add(1 + random.nextInt(70_000));
    }
    return sizes;
  }

  @ParameterizedTest(name = "{0} writer, {1} slabs")
  @CsvSource({"memory, 1000", "local, 1000", "local, 3"})
  @DisplayName("pieces across slab edges are hashed and stored in order, and all slabs return")
  void piecesAcrossSlabEdges(String kind, int slabs) throws Exception {
    Random random = new Random(11);
    List<Integer> sizes = sizes(random, 120);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    StorageBackend backend = backend(kind);
    BlobWriter writer = backend.newWriter().await();
    // Plenty of slabs: every piece is copied. Three: they are reused while the local writer's
    // lane still copies earlier ones, and when all are out pieces are passed on uncopied.
    Slabs pool = new Slabs(slabs);
    boolean copied = slabs == 1000;
    Context context = vertx.getOrCreateContext();
    HashingWriteStream sink = new HashingWriteStream(writer, context, 0, pool);
    try {
      Promise<Digests> finished = Promise.promise();
      context.runOnContext(v -> {
        for (int size : sizes) {
          byte[] bytes = new byte[size];
          random.nextBytes(bytes);
          expected.writeBytes(bytes);
          Buffer piece = Buffer.buffer(bytes);
          sink.write(piece).onFailure(finished::tryFail);
          // The stream copied the piece: changing it now must not change what is stored.
          if (copied) {
            for (int i = 0; i < size; i++) {
              piece.setByte(i, (byte) 0x5a);
            }
          }
        }
        sink.finish().onComplete(finished);
      });
      Digests digests = finished.future().await();
      byte[] content = expected.toByteArray();

      assertEquals(content.length, sink.received());
      assertEquals(content.length, digests.size());
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(content), digests.sha256());
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(
          content, Math.min(content.length, 65536))), digests.headSha256(), "head digest");
      Blake3Digest blake3 = new Blake3Digest(256);
      blake3.update(content, 0, content.length);
      byte[] b3 = new byte[32];
      blake3.doFinal(b3, 0);
      assertArrayEquals(b3, digests.blake3());

      BlobKey key = BlobKey.sha256(digests.sha256Hex());
      writer.commit(key).await();
      assertArrayEquals(content, read(backend.get(key, 0, -1).await()).getBytes(),
          "stored content");
    } finally {
      sink.release();
    }
    Await.until("every slab back in the pool", Duration.ofSeconds(30),
        () -> pool.outstanding() == 0, () -> pool.outstanding() + " still out");
  }

  @Test
  @DisplayName("a writer that fails mid-stream fails the writes, and every slab returns")
  void writerFailsMidStream() throws Exception {
    Random random = new Random(12);
    StorageBackend backend = backend("local");
    BlobWriter writer = backend.newWriter().await();
    Slabs pool = new Slabs(4);
    Context context = vertx.getOrCreateContext();
    HashingWriteStream sink = new HashingWriteStream(writer, context, 0, pool);
    try {
      Promise<Boolean> failed = Promise.promise();
      context.runOnContext(v -> {
        List<Future<Void>> writes = new ArrayList<>();
        for (int size : sizes(random, 20)) {
          byte[] bytes = new byte[size];
          random.nextBytes(bytes);
          writes.add(sink.write(Buffer.buffer(bytes)));
        }
        writer.cancel().onComplete(c -> {
          for (int i = 0; i < 20; i++) {
            writes.add(sink.write(Buffer.buffer(new byte[40_000])));
          }
          writes.add(sink.finish().mapEmpty());
          Future.join(writes).onComplete(all -> failed.complete(all.failed()));
        });
      });
      assertTrue(failed.future().await(), "writes to a cancelled writer fail");
    } finally {
      sink.release();
    }
    Await.until("every slab back in the pool", Duration.ofSeconds(30),
        () -> pool.outstanding() == 0, () -> pool.outstanding() + " still out");
  }

  private Buffer read(ReadStream<Buffer> stream) {
    Promise<Buffer> all = Promise.promise();
    Buffer into = Buffer.buffer();
    stream.handler(into::appendBuffer).exceptionHandler(all::tryFail)
        .endHandler(v -> all.tryComplete(into));
    return all.future().await();
  }
}
