package io.artifactstore.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.RawHttp;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a web page in a user's browser sends to a store on loopback (the default: every role
 * for anonymous callers), request for request as browsers send them, and what it gets: nothing
 * that changes state, and no cross-origin read.
 */
class BrowserProtectionTest {

  private static String request(String method, String path, String host, String origin,
      String contentType, String body) {
    StringBuilder r = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host
        + "\r\nConnection: close\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\n");
    if (origin != null) {
      r.append("Origin: ").append(origin).append("\r\nSec-Fetch-Site: cross-site\r\n");
    }
    if (body != null) {
      r.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ")
          .append(body.length()).append("\r\n");
    }
    return r.append("\r\n").append(body == null ? "" : body).toString();
  }

  private static long packages(Http http) {
    return http.get("/v1/stats").json().getLong("packages");
  }

  @Test
  @DisplayName("a cross-site form post, a no-cors fetch and a JSON fetch from another origin "
      + "change nothing; the server's own origin may")
  void crossSiteWritesRefused(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(server.baseUrl());
      String host = "127.0.0.1:" + server.port();
      String json = "{\"producer\":\"p\",\"subject\":\"s\"}";
      long before = packages(http);
      // <form method=post action=http://127.0.0.1:8000/v1/packages> on evil.example
      RawHttp.Answer form = RawHttp.request(server.port(), request("POST", "/v1/packages", host,
          "https://evil.example", "application/x-www-form-urlencoded", "producer=p&subject=s"));
      assertEquals(403, form.status(), form.text());
      assertEquals("cross_origin_refused",
          new JsonObject(form.text()).getJsonObject("error").getString("code"));
      // fetch(url, {method: 'POST', mode: 'no-cors', body: json}): text/plain, no preflight
      RawHttp.Answer noCors = RawHttp.request(server.port(), request("POST", "/v1/packages", host,
          "https://evil.example", "text/plain;charset=UTF-8", json));
      assertEquals(403, noCors.status(), noCors.text());
      // The same with a JSON type (a browser would preflight it; a page cannot skip that, but
      // the server does not rely on it).
      RawHttp.Answer asJson = RawHttp.request(server.port(), request("POST", "/v1/packages", host,
          "https://evil.example", "application/json", json));
      assertEquals(403, asJson.status(), asJson.text());
      RawHttp.Answer nullOrigin = RawHttp.request(server.port(), request("DELETE",
          "/v1/packages/0190b2a0-0000-7000-8000-000000000000", host, "null", null, null));
      assertEquals(403, nullOrigin.status(), nullOrigin.text());
      // Even without an Origin, a form's body type is refused by every JSON route.
      RawHttp.Answer formNoOrigin = RawHttp.request(server.port(), request("POST",
          "/v1/packages", host, null, "application/x-www-form-urlencoded", "producer=p"));
      assertEquals(415, formNoOrigin.status(), formNoOrigin.text());
      assertEquals(before, packages(http), "nothing was created");

      RawHttp.Answer own = RawHttp.request(server.port(), request("POST", "/v1/packages", host,
          "http://" + host, "application/json", json));
      assertEquals(201, own.status(), own.text());
      // No CORS unless configured: a cross-origin read gets no Access-Control-Allow-Origin,
      // so the browser keeps the answer from the page.
      RawHttp.Answer read = RawHttp.request(server.port(), request("GET", "/v1/packages", host,
          "https://evil.example", null, null));
      assertEquals(200, read.status());
      assertNull(read.header("Access-Control-Allow-Origin"));
      RawHttp.Answer preflight = RawHttp.request(server.port(), "OPTIONS /v1/packages HTTP/1.1\r\n"
          + "Host: " + host + "\r\nConnection: close\r\nOrigin: https://evil.example\r\n"
          + "Access-Control-Request-Method: POST\r\n"
          + "Access-Control-Request-Headers: content-type\r\n\r\n");
      assertNull(preflight.header("Access-Control-Allow-Origin"));
      assertTrue(preflight.status() >= 400, "preflight refused: " + preflight.status());
    }
  }

  @Test
  @DisplayName("a stored HTML file with a script is served sandboxed (CSP sandbox, nosniff): it "
      + "renders but cannot call the API as a page of this origin")
  void storedContentIsSandboxed(@TempDir Path dir) {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(server.baseUrl());
      String pkg = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}")
          .json().getString("id");
      byte[] page = ("<html><script>fetch('/v1/tokens',{method:'POST',headers:"
          + "{'Content-Type':'application/json'},body:'{}'})</script></html>").getBytes();
      assertEquals(201, http.put("/v1/packages/" + pkg + "/files/report.html", page,
          "Content-Type", "text/html").status());
      for (Http.Response r : new Http.Response[] {
          http.get("/v1/packages/" + pkg + "/files/report.html"),
          http.get("/v1/packages/" + pkg + "/files/report.html", "Range", "bytes=0-9"),
          http.head("/v1/packages/" + pkg + "/files/report.html")}) {
        assertTrue(r.status() == 200 || r.status() == 206, String.valueOf(r.status()));
        assertEquals("text/html", r.header("Content-Type"));
        assertEquals("sandbox", r.header("Content-Security-Policy"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
      }
    }
  }

  @Test
  @DisplayName("DNS rebinding: a page whose own name now resolves to 127.0.0.1 sends its own "
      + "Host and is answered 421")
  void dnsRebindingRefused(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir)) {
      Http http = new Http(server.baseUrl());
      long before = packages(http);
      String json = "{\"producer\":\"p\",\"subject\":\"s\"}";
      String rebound = "evil.example:" + server.port();
      // Same-origin from the browser's point of view: Origin and Host both evil.example.
      RawHttp.Answer write = RawHttp.request(server.port(), request("POST", "/v1/packages",
          rebound, "http://" + rebound, "application/json", json));
      assertEquals(421, write.status(), write.text());
      assertEquals("misdirected_request",
          new JsonObject(write.text()).getJsonObject("error").getString("code"));
      RawHttp.Answer read = RawHttp.request(server.port(), request("GET", "/v1/packages",
          rebound, null, null, null));
      assertEquals(421, read.status(), read.text());
      assertEquals(before, packages(http));
      for (String name : new String[] {"localhost", "127.0.0.1"}) {
        assertEquals(200, RawHttp.request(server.port(), request("GET", "/v1/stats",
            name + ":" + server.port(), null, null, null)).status(), name);
      }
    }
  }

  @Test
  @DisplayName("CORS on for one configured origin: its preflight and requests are answered with "
      + "Access-Control-Allow-Origin, another origin's are not")
  void corsForConfiguredOrigins(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json ->
        json.getJsonObject("security").put("cors_origins", "https://dashboard.example"))) {
      String host = "127.0.0.1:" + server.port();
      RawHttp.Answer preflight = RawHttp.request(server.port(), "OPTIONS /v1/packages HTTP/1.1\r\n"
          + "Host: " + host + "\r\nConnection: close\r\nOrigin: https://dashboard.example\r\n"
          + "Access-Control-Request-Method: POST\r\n"
          + "Access-Control-Request-Headers: authorization, content-type\r\n\r\n");
      assertTrue(preflight.status() == 200 || preflight.status() == 204,
          "preflight: " + preflight.status());
      assertEquals("https://dashboard.example", preflight.header("Access-Control-Allow-Origin"));
      RawHttp.Answer post = RawHttp.request(server.port(), request("POST", "/v1/packages", host,
          "https://dashboard.example", "application/json",
          "{\"producer\":\"p\",\"subject\":\"s\"}"));
      assertEquals(201, post.status(), post.text());
      assertEquals("https://dashboard.example", post.header("Access-Control-Allow-Origin"));
      assertTrue(String.valueOf(post.header("Access-Control-Expose-Headers")).contains("ETag"));
      RawHttp.Answer other = RawHttp.request(server.port(), request("POST", "/v1/packages", host,
          "https://evil.example", "application/json", "{\"producer\":\"p\",\"subject\":\"s\"}"));
      assertEquals(403, other.status(), other.text());
      assertNull(other.header("Access-Control-Allow-Origin"));
    }
  }
}
