package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyEndpointTest {

  @Test
  @DisplayName("verify re-hashes every stored file and reports the one whose bytes changed on disk")
  void verifyReportsCorruption(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(server.baseUrl());
      String id = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}").json()
          .getString("id");
      String good = http.put("/v1/packages/" + id + "/files/good", "good bytes".getBytes())
          .json().getString("sha256");
      String bad = http.put("/v1/packages/" + id + "/files/bad", "bad bytes".getBytes())
          .json().getString("sha256");

      JsonObject intact = http.postJson("/v1/packages/" + id + "/verify", "").json();
      assertTrue(intact.getBoolean("ok"), intact.encode());

      Path stored = dir.resolve("blobs/sha256").resolve(bad.substring(0, 2))
          .resolve(bad.substring(2, 4)).resolve(bad);
      Files.writeString(stored, "BAD bytes", StandardOpenOption.TRUNCATE_EXISTING);
      JsonObject report = http.postJson("/v1/packages/" + id + "/verify", "").json();
      assertFalse(report.getBoolean("ok"));
      JsonArray files = report.getJsonArray("files");
      assertEquals(2, files.size());
      JsonObject badFile = files.getJsonObject(0);
      assertEquals("bad", badFile.getString("path"));
      assertFalse(badFile.getBoolean("ok"));
      assertEquals(bad, badFile.getJsonObject("expected").getString("sha256"));
      assertTrue(!bad.equals(badFile.getJsonObject("actual").getString("sha256")));
      assertTrue(files.getJsonObject(1).getBoolean("ok"));
      assertEquals(good, files.getJsonObject(1).getJsonObject("expected").getString("sha256"));
      assertEquals("package_not_found", http.postJson("/v1/packages/"
          + "01890000-0000-7000-8000-000000000000/verify", "").errorCode());
    }
  }
}
