package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestS3;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every blob records the backend that holds it, so the default can change safely. */
class BackendSwitchTest {

  @Test
  @DisplayName("after the default backend changes from local to s3, old packages are still served and new bytes go to s3")
  void switchingTheDefaultKeepsAccess(@TempDir Path dir) throws Exception {
    byte[] old = new byte[100_000];
    new Random(1).nextBytes(old);
    String url;
    String id;
    try (TestServer first = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(first.baseUrl());
      id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
          .getString("id");
      assertEquals(201, http.put("/v1/packages/" + id + "/files/old.bin", old).status());
      assertEquals(200, http.postJson("/v1/packages/" + id + "/finalize", "").status());
      url = first.config().database().url();
    }
    JsonObject s3 = TestS3.get().backendOptions();
    String bucket = s3.getString("bucket");
    try (TestServer second = TestServer.start(TestDatabases.Kind.SQLITE, dir, json -> {
      json.getJsonObject("database").put("url", url);
      json.getJsonObject("storage").put("default_backend", "s3")
          .getJsonObject("backends").put("s3", s3);
    })) {
      Http http = new Http(second.baseUrl());
      assertArrayEquals(old, http.get("/v1/packages/" + id + "/files/old.bin").body());

      String next = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
          .getString("id");
      byte[] fresh = "new bytes for the bucket".getBytes();
      String sha = http.put("/v1/packages/" + next + "/files/new.bin", fresh).json()
          .getString("sha256");
      assertArrayEquals(fresh, http.get("/v1/packages/" + next + "/files/new.bin").body());
      assertTrue(TestS3.get().keys(bucket, "sha256/").stream().anyMatch(k -> k.endsWith(sha)),
          "the new content is in the bucket");
      assertTrue(Files.notExists(dir.resolve("blobs/sha256").resolve(sha.substring(0, 2))
          .resolve(sha.substring(2, 4)).resolve(sha)), "and not in the local folder");
    }
  }

  @Test
  @DisplayName("storage.backend_by_retention_class sends the bytes of some classes to another backend")
  void backendByRetentionClass(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json -> {
      json.getJsonObject("storage").getJsonObject("backends")
          .put("mem", new JsonObject().put("type", "memory"));
      json.getJsonObject("storage").put("backend_by_retention_class",
          new JsonObject().put("transient", "mem"));
    })) {
      Http http = new Http(server.baseUrl());
      String scratch = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\","
          + "\"retention_class\":\"transient\"}").json().getString("id");
      String kept = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}")
          .json().getString("id");
      assertEquals(201, http.put("/v1/packages/" + scratch + "/files/a", "scratch".getBytes())
          .status());
      assertEquals(201, http.put("/v1/packages/" + kept + "/files/a", "kept".getBytes()).status());
      assertEquals("mem", http.postJson("/v1/packages/" + scratch + "/verify", "").json()
          .getJsonArray("files").getJsonObject(0).getString("backend"));
      assertEquals("local", http.postJson("/v1/packages/" + kept + "/verify", "").json()
          .getJsonArray("files").getJsonObject(0).getString("backend"));
      assertArrayEquals("scratch".getBytes(),
          http.get("/v1/packages/" + scratch + "/files/a").body());
    }
  }
}
