package io.artifactstore.storage;

import io.artifactstore.hashing.Digests;
import io.artifactstore.hashing.MultiDigest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.Random;
import java.util.function.IntFunction;

/** Stream helpers for storage tests; all of them must be called on a Vert.x context. */
final class BlobStreams {

  private BlobStreams() {}

  /** Deterministic pseudo-random bytes, distinct per seed. */
  static Buffer randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  static Digests digest(Buffer content) {
    MultiDigest digest = new MultiDigest();
    digest.update(content);
    return digest.finish();
  }

  static BlobKey keyOf(Buffer content) {
    return BlobKey.sha256(digest(content).sha256Hex());
  }

  /**
   * Writes {@code count} chunks the way a well-behaved producer does: it stops while the write
   * queue is full and continues from the drain handler. Completes once the last write did.
   */
  static Future<Void> writeChunks(WriteStream<Buffer> stream, int count, IntFunction<Buffer> chunk) {
    Promise<Void> done = Promise.promise();
    new Runnable() {
      private int next;

      @Override
      public void run() {
        while (next < count) {
          if (stream.writeQueueFull()) {
            stream.drainHandler(v -> run());
            return;
          }
          Future<Void> written = stream.write(chunk.apply(next++)).onFailure(done::tryFail);
          if (next == count) {
            written.onSuccess(v -> done.tryComplete());
          }
        }
        if (count == 0) {
          done.tryComplete();
        }
      }
    }.run();
    return done.future();
  }

  /** Collects a stream into one buffer. */
  static Future<Buffer> readAll(ReadStream<Buffer> stream) {
    Promise<Buffer> done = Promise.promise();
    Buffer all = Buffer.buffer();
    stream.exceptionHandler(done::tryFail);
    stream.endHandler(v -> done.tryComplete(all));
    stream.handler(all::appendBuffer);
    return done.future();
  }

  /** Hashes a stream without keeping it. */
  static Future<Digests> digestStream(ReadStream<Buffer> stream) {
    Promise<Digests> done = Promise.promise();
    MultiDigest digest = new MultiDigest();
    stream.exceptionHandler(done::tryFail);
    stream.endHandler(v -> done.tryComplete(digest.finish()));
    stream.handler(digest::update);
    return done.future();
  }
}
