package io.artifactstore.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health and metrics on a management port of their own, or behind a role. */
class OperationsAccessTest {

  @Test
  @DisplayName("management.enabled: /health, /health/live, /health/ready and /metrics answer on "
      + "the management port and are gone from the API's")
  void managementPort(@TempDir Path dir) {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json ->
        json.put("management", new JsonObject().put("enabled", true).put("host", "127.0.0.1")
            .put("port", 0)))) {
      int port = server.app().managementPort();
      assertTrue(port > 0 && port != server.port());
      Http ops = new Http("http://127.0.0.1:" + port);
      Http api = new Http(server.baseUrl());
      for (String path : new String[] {"/health", "/health/live", "/health/ready", "/metrics"}) {
        Http.Response r = ops.get(path);
        assertEquals(200, r.status(), path + ": " + r.text());
        assertTrue(r.header("Date") != null, path);
        assertEquals(404, api.get(path).status(), path + " is not on the API port");
      }
      assertTrue(ops.get("/metrics").text().contains("artifactstore_"));
      assertEquals(404, ops.get("/v1/packages").status(), "the API is not on the management port");
      assertEquals(200, api.get("/openapi.yaml").status());
    }
  }

  @Test
  @DisplayName("security.operations_role: /health and /metrics need the role; liveness and "
      + "readiness stay open for probes")
  void operationsRole(@TempDir Path dir) {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json ->
        json.getJsonObject("security").put("anonymous", "none")
            .put("operations_role", "reader"))) {
      String reader = server.token("ops", "reader");
      Http http = new Http(server.baseUrl());
      assertEquals(401, http.get("/health").status());
      assertEquals(401, http.get("/metrics").status());
      assertEquals(200, http.get("/health/live").status());
      assertEquals(200, http.get("/health/ready").status());
      assertEquals(200, http.get("/health", "Authorization", "Bearer " + reader).status());
      assertEquals(200, http.get("/metrics", "Authorization", "Bearer " + reader).status());
    }
  }
}
