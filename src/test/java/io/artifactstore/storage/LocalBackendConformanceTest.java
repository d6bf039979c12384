package io.artifactstore.storage;

import static io.artifactstore.storage.BlobStreams.digest;
import static io.artifactstore.storage.BlobStreams.keyOf;
import static io.artifactstore.storage.BlobStreams.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.hashing.Digests;
import io.artifactstore.storage.local.LocalBackend;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite against {@link LocalBackend}, plus what only a filesystem can show. */
class LocalBackendConformanceTest extends StorageBackendConformanceTest {

  @TempDir
  Path tempDir;

  private Path root() {
    return tempDir.resolve("store");
  }

  private Path uploads() {
    return root().resolve(LocalBackend.UPLOADS);
  }

  @Override
  protected Future<StorageBackend> createBackend(Vertx vertx) {
    return LocalBackend.start(vertx, "local", root()).map(b -> b);
  }

  @Override
  protected void assertNoTemporaryLeftovers() throws IOException {
    try (Stream<Path> files = Files.list(uploads())) {
      assertEquals(List.of(), files.toList(), "temp files in " + LocalBackend.UPLOADS);
    }
  }

  @Test
  @DisplayName("objects are stored at <root>/<algorithm>/<hex[0:2]>/<hex[2:4]>/<hex>")
  void fanOutLayout() throws IOException {
    Buffer content = randomBytes(5_000, 20);
    BlobKey key = store(content).key();
    String hex = key.hex();

    Path expected = root().resolve("sha256").resolve(hex.substring(0, 2))
        .resolve(hex.substring(2, 4)).resolve(hex);
    assertArrayEquals(content.getBytes(), Files.readAllBytes(expected));
  }

  @Test
  @DisplayName("localFile is present only while the object is stored")
  void localFileOnlyForStoredObjects() throws IOException {
    Buffer content = randomBytes(5_000, 21);
    BlobKey key = keyOf(content);
    assertEquals(Optional.empty(), backend.localFile(key));

    store(content);
    Path file = backend.localFile(key).orElseThrow();
    assertArrayEquals(content.getBytes(), Files.readAllBytes(file));

    await(() -> backend.delete(key));
    assertEquals(Optional.empty(), backend.localFile(key));
  }

  @Test
  @DisplayName("verify reports different digests when the file was corrupted on disk")
  void verifyDetectsCorruption() throws IOException {
    Buffer content = randomBytes(40_000, 22);
    Digests original = digest(content);
    BlobKey key = store(content).key();
    byte[] corrupted = content.getBytes();
    corrupted[20_000] ^= 0x01;
    Files.write(backend.localFile(key).orElseThrow(), corrupted);

    VerifyResult result = await(() -> backend.verify(key));

    assertEquals(content.length(), result.size());
    assertNotEquals(original.sha256Hex(), result.sha256());
    assertNotEquals(original.blake3Hex(), result.blake3());
    assertFalse(result.matches(content.length(), original.sha256Hex(), original.blake3Hex()));
  }

  @Test
  @DisplayName("health reports the filesystem capacity while up")
  void healthDetail() {
    StorageHealth health = await(backend::health);

    assertTrue(health.up());
    JsonObject detail = health.detail();
    assertEquals(root().toAbsolutePath().normalize().toString(), detail.getString("root"));
    assertTrue(detail.getLong("total_bytes") > 0);
    assertTrue(detail.getLong("usable_bytes") >= 0);
    assertTrue(detail.getLong("used_bytes") >= 0);
    assertTrue(detail.getLong("used_bytes") <= detail.getLong("total_bytes"));
  }

  @Test
  @DisplayName("health reports down, without failing, once the root is deleted")
  void healthDownWithoutRoot() throws IOException {
    store(randomBytes(1_000, 23));
    deleteRecursively(root());

    StorageHealth health = await(backend::health);

    assertFalse(health.up());
    assertTrue(health.detail().getString("reason").contains("does not exist"), health.detail().encode());
  }

  @Test
  @DisplayName("temp files left by unfinished uploads are removed once a server claims the root, not by a start alone (fsck beside a server); objects are kept")
  void claimRemovesLeftovers() throws IOException {
    Buffer content = randomBytes(2_000, 24);
    BlobKey key = store(content).key();
    BlobWriter abandoned = await(backend::newWriter);
    await(() -> abandoned.write(Buffer.buffer("half an upload")));
    Files.write(uploads().resolve("crashed.upload"), new byte[] {1, 2, 3});
    await(backend::close);

    backend = await(() -> createBackend(vertx));
    assertEquals(2, await(backend::temporaries).size(), "an unclaimed start removes nothing");
    await(() -> backend.claim(owner(1)));

    assertNoTemporaryLeftovers();
    assertEquals(content, read(key, 0, -1));
  }

  @Test
  @DisplayName("a claimed root refuses another claim in this JVM, naming the owner and the key, until closed; the lock file is neither an object nor a temporary")
  void claimIsExclusive() {
    store(randomBytes(1_000, 26));
    await(() -> backend.claim(owner(1)));
    StorageBackend second = await(() -> createBackend(vertx));

    StorageException refused = awaitFailure(StorageException.Kind.UNAVAILABLE,
        () -> second.claim(owner(2)));
    assertTrue(refused.getMessage().contains("host test, pid 1,"), refused.getMessage());
    assertTrue(refused.getMessage().contains("storage.backends.local.shared_filesystem"),
        refused.getMessage());
    assertTrue(Files.exists(root().resolve(".artifact-store.lock")));
    assertEquals(1, await(() -> backend.list(null, 100)).size(), "objects only");
    assertEquals(List.of(), await(backend::temporaries));

    await(backend::close);
    await(() -> second.claim(owner(2)));
    await(second::close);
  }

  @Test
  @DisplayName("with shared_filesystem, claims neither lock nor remove temp files")
  void sharedClaimsNothing() throws IOException {
    await(backend::close);
    Files.write(uploads().resolve("in-flight.upload"), new byte[] {1, 2, 3});
    backend = await(() -> LocalBackend.start(vertx, "local", root(), 0, true).map(b -> b));
    StorageBackend second =
        await(() -> LocalBackend.start(vertx, "local", root(), 0, true).map(b -> b));

    await(() -> backend.claim(owner(1)));
    await(() -> second.claim(owner(2)));

    assertFalse(Files.exists(root().resolve(".artifact-store.lock")));
    assertEquals(1, await(backend::temporaries).size());
    await(second::close);
  }

  private static JsonObject owner(long pid) {
    return new JsonObject().put("host", "test").put("pid", pid)
        .put("started", "2025-01-01T00:00:00Z");
  }

  @Test
  @DisplayName("the writer passes the file's back-pressure through: the queue fills and drains")
  void writerBackPressure() throws IOException {
    BlobWriter writer = await(backend::newWriter);
    Buffer chunk = randomBytes(64 * 1024, 25);

    boolean drained = await(() -> {
      writer.setWriteQueueMaxSize(128 * 1024);
      int written = 0;
      while (!writer.writeQueueFull()) {
        writer.write(chunk);
        if (++written > 1_000) {
          return Future.failedFuture(new AssertionError("write queue never reported full"));
        }
      }
      Promise<Boolean> drain = Promise.promise();
      writer.drainHandler(v -> drain.tryComplete(!writer.writeQueueFull()));
      return drain.future();
    });

    assertTrue(drained, "queue still full when the drain handler ran");
    await(writer::cancel);
    assertNoTemporaryLeftovers();
  }

  @Test
  @DisplayName("a new writer keeps its bytes in a temp file until commit")
  void uploadsGoToTempFiles() throws IOException {
    BlobWriter writer = await(backend::newWriter);
    await(() -> writer.write(Buffer.buffer("pending")));
    try (Stream<Path> files = Files.list(uploads())) {
      assertEquals(1, files.count());
    }
    await(() -> writer.commit(keyOf(Buffer.buffer("pending"))));
    assertNoTemporaryLeftovers();
  }

  @Test
  @DisplayName("reading an object to its end closes the file")
  void readsCloseTheFile() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    assertTrue(Files.isDirectory(fds), "the server runs on Linux, where /proc lists open files");
    Buffer content = randomBytes(100_000, 26);
    BlobKey key = store(content).key();
    Path file = backend.localFile(key).orElseThrow().toRealPath();

    for (int i = 0; i < 5; i++) {
      assertEquals(content.getBuffer(i, content.length()), read(key, i, -1));
    }
    assertEquals(Buffer.buffer(), read(key, 0, 0));

    assertEquals(0, openHandles(fds, file), "file handles left open on " + file);
  }

  private static long openHandles(Path fds, Path file) throws IOException {
    try (Stream<Path> open = Files.list(fds)) {
      return open.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(file);
        } catch (IOException e) {
          return false; // closed while listing
        }
      }).count();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
