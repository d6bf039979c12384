package io.artifactstore.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.BridgeFrames;
import io.artifactstore.support.Http;
import io.artifactstore.support.Processes;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCP event-bus bridge, used by a client written in Python (in the test resources) that
 * speaks the bridge's framing: it creates a package, imports a file by path, finalizes, gets
 * the notification, and is refused internal addresses and forged notifications.
 */
class BridgeTest {

  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  @DisplayName("a Python client creates, imports, finalizes and is notified; internal addresses are refused")
  void pythonClient() throws Exception {
    Path imports = Files.createDirectories(dir.resolve("imports"));
    byte[] results = "{\"passed\":42,\"failed\":0}".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(imports.resolve("out.json"), results);
    Path client = dir.resolve("bridge_client.py");
    try (var in = getClass().getResourceAsStream("bridge_client.py")) {
      Files.write(client, in.readAllBytes());
    }
    int port = freePort();
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("server"),
        json -> json.getJsonObject("integration").put("import_roots", imports.toString())
            .put("bridge_enabled", true).put("bridge_port", port))) {
      String[] run = Processes.run(dir, "python3", client.toString(), "127.0.0.1",
          String.valueOf(port), file.toString());
      assertEquals("0", run[0], run[1]);
      Map<String, JsonObject> steps = new HashMap<>();
      for (String line : run[1].split("\n")) {
        if (line.startsWith("{")) {
          JsonObject step = new JsonObject(line);
          steps.put(step.getString("step"), step);
        }
      }
      String id = steps.get("created").getString("id");
      JsonObject imported = steps.get("imported").getJsonObject("file");
      assertEquals(results.length, imported.getLong("size"));
      JsonObject refused = steps.get("refused").getJsonObject("reply");
      assertEquals("err", refused.getString("type"), refused.encode());
      assertEquals(403, refused.getInteger("failureCode"), refused.encode());
      assertTrue(refused.getString("message").contains("import_path_refused"), refused.encode());
      JsonObject event = steps.get("notified").getJsonObject("event");
      assertEquals(id, event.getString("package_id"));
      assertEquals("package.finalized", event.getString("type"));
      JsonObject internal = steps.get("internal").getJsonObject("reply");
      assertEquals("err", internal.getString("type"), internal.encode());
      assertEquals("access_denied", internal.getString("message"), internal.encode());
      JsonObject forged = steps.get("forged").getJsonObject("reply");
      assertEquals("access_denied", forged.getString("message"), forged.encode());

      Http.Response got = new Http(server.baseUrl())
          .get("/v1/packages/" + id + "/files/results/out.json");
      assertArrayEquals(results, got.body());
      assertEquals(steps.get("finalized").getString("manifest_digest"),
          new Http(server.baseUrl()).get("/v1/packages/" + id).json()
              .getString("manifest_digest"));
    }
  }

  @Test
  @DisplayName("registering for notifications needs an unscoped reader's token; refused registers get nothing")
  void registerNeedsReader() throws Exception {
    int port = freePort();
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("auth"),
        json -> {
          json.getJsonObject("integration").put("bridge_enabled", true).put("bridge_port", port);
          json.getJsonObject("security").put("anonymous", "none");
        })) {
      String reader = server.token("watcher", "reader");
      String scoped = server.token(new JsonObject().put("name", "scoped")
          .put("roles", new io.vertx.core.json.JsonArray().add("reader"))
          .put("producer_scope", new io.vertx.core.json.JsonArray().add("ci-*")));
      String producer = server.token("ci", "producer");
      try (BridgeFrames none = new BridgeFrames(port); BridgeFrames narrow = new BridgeFrames(port);
          BridgeFrames bogus = new BridgeFrames(port); BridgeFrames ok = new BridgeFrames(port)) {
        none.register(null);
        narrow.register(scoped);
        bogus.register("not-a-token");
        for (BridgeFrames refused : List.of(none, narrow, bogus)) {
          JsonObject answer = refused.next();
          assertEquals("err", answer.getString("type"), answer.encode());
        }
        ok.register(reader);
        String id = new Http(server.baseUrl()).postJson("/v1/packages",
            new JsonObject().put("producer", "ci-bridge").put("subject", "s").encode(),
            "Authorization", "Bearer " + producer).json().getString("id");
        JsonObject note;
        do {  // the tokens' own events may come first
          note = ok.next();
          assertEquals(BusApi.EVENTS, note.getString("address"), note.encode());
        } while (!id.equals(note.getJsonObject("body").getString("package_id")));
        assertEquals("package.created", note.getJsonObject("body").getString("type"));
        for (BridgeFrames refused : List.of(none, narrow, bogus)) {
          refused.send(new JsonObject().put("type", "ping"));
          JsonObject answer = refused.next();
          assertEquals("pong", answer.getString("type"), answer.encode());
        }
      }
    }
  }

  @Test
  @DisplayName("the bridge lets in exactly the public request addresses: every one, and not the notifications")
  void inboundIsEveryRequestAddress() throws Exception {
    java.util.Set<String> requests = new java.util.TreeSet<>();
    for (var field : BusApi.class.getFields()) {
      if (field.getType() == String.class && !field.getName().equals("PREFIX")
          && !field.getName().equals("EVENTS")) {
        requests.add((String) field.get(null));
      }
    }
    assertTrue(requests.size() >= 12, requests.toString());
    assertEquals(requests, new java.util.TreeSet<>(BridgeVerticle.INBOUND));
  }

  @Test
  @DisplayName("the bridge is off by default")
  void offByDefault() throws Exception {
    int port = freePort();
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("s"),
        json -> json.getJsonObject("integration").put("bridge_port", port))) {
      assertThrows(java.net.ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }
  }
}
