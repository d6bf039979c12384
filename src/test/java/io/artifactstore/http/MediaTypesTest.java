package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recorded media types are media types (RFC 9110 section 8.3.1). */
class MediaTypesTest {

  @Test
  @DisplayName("a Content-Type that is not type/subtype is refused with 400 and stores nothing")
  void invalidMediaTypes(@TempDir Path dir) {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(server.baseUrl());
      String open = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\"}")
          .json().getString("id");
      String sha256 = http.put("/v1/packages/" + open + "/files/ten", "0123456789".getBytes())
          .json().getString("sha256");
      String base = "/v1/packages/" + open + "/files/";
      List<String> accepted = new ArrayList<>();
      for (String bad : new String[] {"a/b/c", "/", "not a type", "text/", "/plain",
          "text/plain; charset", "text/plain;=x", "te xt/plain"}) {
        Http.Response r = http.put(base + "m.bin", "x".getBytes(), "Content-Type", bad);
        assertEquals(400, r.status(), bad);
        assertEquals("invalid_request", r.errorCode(), bad);
        Http.Response byDigest = http.postJson(base + "d.bin", new JsonObject()
            .put("sha256", sha256).put("size", 10).put("media_type", bad).encode());
        assertEquals(400, byDigest.status(), bad);
      }
      assertEquals(404, http.get(base + "m.bin").status(), "nothing was stored");
      assertEquals(404, http.get(base + "d.bin").status(), "nothing was stored");
      for (String good : new String[] {"text/plain", "text/plain; charset=utf-8",
          "application/vnd.in-toto+json", "multipart/mixed; boundary=\"a b\"", "TEXT/HTML;Q=x"}) {
        Http.Response r = http.put(base + "m.bin?replace=true", "x".getBytes(), "Content-Type", good);
        assertEquals(201, r.status(), good + ": " + r.text());
        accepted.add(http.get(base + "m.bin").header("Content-Type"));
      }
      assertEquals(List.of("text/plain", "text/plain; charset=utf-8",
          "application/vnd.in-toto+json", "multipart/mixed; boundary=\"a b\"", "TEXT/HTML;Q=x"),
          accepted);
    }
  }
}
