package io.artifactstore.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.storage.local.LocalBackend;
import io.artifactstore.storage.memory.MemoryBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class StorageBackendsTest {

  @TempDir
  Path tempDir;

  private static Throwable failureOf(Future<?> future) throws Exception {
    Future<Throwable> outcome = future.transform(ar -> ar.succeeded()
        ? Future.failedFuture(new AssertionError("expected a failure"))
        : Future.succeededFuture(ar.cause()));
    return outcome.await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("factories for local, memory and s3 are found on the class path")
  void factoriesDiscovered() {
    assertEquals(List.of("local", "memory", "s3"), List.copyOf(StorageBackends.factories().keySet()));
  }

  @Test
  @DisplayName("configured backends are started and reachable by id")
  void createsConfiguredBackends(Vertx vertx) throws Exception {
    Path root = tempDir.resolve("blobs");
    JsonObject config = new JsonObject()
        .put("disk", new JsonObject().put("type", "local").put("root", root.toString()))
        .put("scratch", new JsonObject().put("type", "memory"));

    StorageBackends backends = StorageBackends.create(vertx, "disk", config).await(30, TimeUnit.SECONDS);

    assertEquals(List.of("disk", "scratch"), List.copyOf(backends.all().keySet()));
    assertEquals("disk", backends.defaultId());
    assertSame(backends.get("disk"), backends.defaultBackend());
    assertInstanceOf(LocalBackend.class, backends.get("disk"));
    assertEquals("disk", backends.get("disk").id());
    assertInstanceOf(MemoryBackend.class, backends.get("scratch"));
    assertTrue(Files.isDirectory(root.resolve(LocalBackend.UPLOADS)));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> backends.get("nope"));
    assertTrue(unknown.getMessage().contains("nope"));
    backends.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a local backend without root fails naming storage.backends.<id>.root")
  void missingRoot(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("local", new JsonObject().put("type", "local"));

    Throwable failure = failureOf(StorageBackends.create(vertx, "local", config));

    assertInstanceOf(IllegalArgumentException.class, failure);
    assertTrue(failure.getMessage().startsWith("storage.backends.local.root"), failure.getMessage());
  }

  @Test
  @DisplayName("a root that is not a string fails naming the key")
  void invalidRoot(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("a", new JsonObject().put("type", "local").put("root", 42));

    Throwable failure = failureOf(StorageBackends.create(vertx, "a", config));

    assertTrue(failure.getMessage().startsWith("storage.backends.a.root"), failure.getMessage());
  }

  @Test
  @DisplayName("an unknown or missing type fails naming storage.backends.<id>.type")
  void unknownType(Vertx vertx) throws Exception {
    JsonObject unknown = new JsonObject().put("x", new JsonObject().put("type", "floppy"));
    JsonObject missing = new JsonObject().put("y", new JsonObject());

    Throwable unknownFailure = failureOf(StorageBackends.create(vertx, "x", unknown));
    Throwable missingFailure = failureOf(StorageBackends.create(vertx, "y", missing));

    assertInstanceOf(IllegalArgumentException.class, unknownFailure);
    assertTrue(unknownFailure.getMessage().startsWith("storage.backends.x.type"), unknownFailure.getMessage());
    assertTrue(unknownFailure.getMessage().contains("floppy"));
    assertTrue(missingFailure.getMessage().startsWith("storage.backends.y.type"), missingFailure.getMessage());
  }

  @Test
  @DisplayName("a default id that is not configured, or no backends at all, is rejected")
  void defaultMustExist(Vertx vertx) throws Exception {
    JsonObject config = new JsonObject().put("mem", new JsonObject().put("type", "memory"));

    Throwable wrongDefault = failureOf(StorageBackends.create(vertx, "disk", config));
    Throwable none = failureOf(StorageBackends.create(vertx, "disk", new JsonObject()));

    assertInstanceOf(IllegalArgumentException.class, wrongDefault);
    assertTrue(wrongDefault.getMessage().contains("'disk'"), wrongDefault.getMessage());
    assertInstanceOf(IllegalArgumentException.class, none);
  }

  @Test
  @DisplayName("a local root that cannot be a directory fails the whole configuration, naming the key")
  void partialFailure(Vertx vertx) throws Exception {
    Path notADirectory = Files.writeString(tempDir.resolve("file"), "x");
    JsonObject config = new JsonObject()
        .put("mem", new JsonObject().put("type", "memory"))
        .put("disk", new JsonObject().put("type", "local").put("root", notADirectory.toString()));

    Throwable failure = failureOf(StorageBackends.create(vertx, "mem", config));

    assertInstanceOf(IllegalArgumentException.class, failure);
    assertTrue(failure.getMessage().startsWith("storage.backends.disk.root"), failure.getMessage());
    assertTrue(failure.getMessage().contains(notADirectory.toString()), failure.getMessage());
  }
}
