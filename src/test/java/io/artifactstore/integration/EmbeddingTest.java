package io.artifactstore.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.artifactstore.Application;
import io.artifactstore.ArtifactStore;
import io.artifactstore.config.ConfigLoader;
import io.artifactstore.support.Http;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service embeds the store in its own Vert.x instance and uses it through the typed client;
 * stopping the store leaves the service's Vert.x running.
 */
class EmbeddingTest {

  @Test
  @DisplayName("ArtifactStore.deploy into a service's Vert.x; StoreClient creates, imports, finalizes, is notified; a ReadStream uploads in-process")
  void embedAndUse(@TempDir Path dir) throws Exception {
    Path imports = Files.createDirectories(dir.resolve("imports"));
    JsonObject json = ConfigLoader.merged(null, Map.of());
    json.getJsonObject("http").put("port", 0).put("instances", 1);
    json.getJsonObject("database").put("url", "sqlite:" + dir.resolve("store.db"));
    json.getJsonObject("storage").getJsonObject("backends").getJsonObject("local")
        .put("root", dir.resolve("blobs").toString());
    json.getJsonObject("security").put("link_keys_file", dir.resolve("link-keys").toString());
    json.getJsonObject("attestations").put("signing_keys_file",
        dir.resolve("signing-keys").toString());
    json.getJsonObject("integration").put("import_roots", imports.toString());

    Vertx service = Vertx.vertx();
    try {
      Application store = ArtifactStore.deploy(service, ConfigLoader.parse(json)).await();
      StoreClient client = new StoreClient(service);
      Promise<EventNotification> finalized = Promise.promise();
      client.onEvent(n -> {
        if (n.type().equals("package.finalized")) {
          finalized.tryComplete(n);
        }
      }).completion().await();

      Path report = Files.writeString(imports.resolve("summary.txt"), "3 passed");
      String id = client.createPackage(new CreatePackage("assessments", "run-7", null, null))
          .await().getString("id");
      JsonObject file = client.importFile(new ImportFile(id, "summary.txt", report.toString(),
          "text/plain", null, false)).await();
      assertEquals(8L, file.getLong("size"));
      client.finalizePackage(id).await();
      EventNotification n = finalized.future().toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      assertEquals(id, n.packageId());
      assertEquals("finalized", client.getPackage(id).await().getString("status"));
      assertEquals("3 passed", new Http("http://127.0.0.1:" + store.port())
          .get("/v1/packages/" + id + "/files/summary.txt").text());
      assertEquals(1, client.eventsSince(new EventsSince(0, 1000)).await().getJsonArray("events")
          .stream().filter(e -> ((JsonObject) e).getString("type").equals("file.added")).count());

      // The in-process way in: a ReadStream of the service's own, the same upload path.
      byte[] bytes = new byte[3 * 1024 * 1024 + 5];
      new java.util.Random(7).nextBytes(bytes);
      Path generated = Files.write(dir.resolve("generated.bin"), bytes);
      String streamed = client.createPackage(new CreatePackage("assessments", "run-8", null,
          null)).await().getString("id");
      var opened = service.fileSystem().open(generated.toString(),
          new io.vertx.core.file.OpenOptions().setRead(true)).await();
      opened.pause();
      byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
      JsonObject record = store.upload(streamed, "data/generated.bin", opened, null, sha,
          "embedding-test").await();
      assertEquals(bytes.length, record.getLong("size"));
      org.junit.jupiter.api.Assertions.assertArrayEquals(bytes,
          new Http("http://127.0.0.1:" + store.port())
              .get("/v1/packages/" + streamed + "/files/data/generated.bin").body());
      var again = service.fileSystem().open(generated.toString(),
          new io.vertx.core.file.OpenOptions().setRead(true)).await();
      again.pause();
      Exception mismatch = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
          () -> store.upload(streamed, "data/other.bin", again, null, new byte[32], "t").await());
      assertEquals(io.artifactstore.error.ErrorCode.DIGEST_MISMATCH,
          io.artifactstore.error.ApiException.from(mismatch).code());
      assertEquals(404, new Http("http://127.0.0.1:" + store.port())
          .get("/v1/packages/" + streamed + "/files/data/other.bin").status());

      store.stop().await();
      // The service's own Vert.x is still running: it can deploy and run its own work.
      assertEquals("still here", service.executeBlocking(() -> "still here").await());
    } finally {
      service.close().await();
    }
  }
}
