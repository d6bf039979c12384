package io.artifactstore.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.artifactstore.storage.BlobWriter;
import io.artifactstore.storage.memory.MemoryBackend;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The heap an upload may hold between the socket and the disk is its share of one budget for
 * the process: sixteen uploads together hold what one alone may, so many at once cannot fill a
 * small heap.
 */
class UploadMemoryBudgetTest {

  private static final long MIB = 1024 * 1024;
  private Vertx vertx;
  private final List<HashingWriteStream> streams = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    streams.forEach(HashingWriteStream::release);
    vertx.close().await();
  }

  private HashingWriteStream open() {
    BlobWriter writer = new MemoryBackend(vertx, "m").newWriter().await();
    HashingWriteStream s = new HashingWriteStream(writer, vertx.getOrCreateContext(), 0);
    streams.add(s);
    return s;
  }

  @Test
  @DisplayName("uploads share one byte budget: 8 MiB alone, 1 MiB each of 16, 128 KiB floor")
  void allowanceIsAShareOfTheBudget() {
    // Other tests of this JVM have finished their uploads: each gave its share back.
    assertEquals(0, HashingWriteStream.active(), "uploads left holding a share");
    open();
    assertEquals(8 * MIB, HashingWriteStream.allowance());
    for (int i = 1; i < 16; i++) {
      open();
    }
    assertEquals(1 * MIB, HashingWriteStream.allowance());
    for (int i = 16; i < 512; i++) {
      open();
    }
    assertEquals(128 * 1024, HashingWriteStream.allowance());
  }

  @Test
  @DisplayName("an upload gives its share back once, when it is released")
  void releaseGivesTheShareBack() {
    HashingWriteStream a = open();
    HashingWriteStream b = open();
    assertEquals(2, HashingWriteStream.active());
    a.release();
    a.release();
    assertEquals(1, HashingWriteStream.active());
    b.release();
    assertEquals(0, HashingWriteStream.active());
  }
}
