package io.artifactstore.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.db.Database;
import io.artifactstore.events.EventLog;
import io.artifactstore.support.Http;
import io.artifactstore.support.MutableClock;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks the whole matrix of docs/security.md: every route and method, called with no
 * credentials, malformed ones, an expired, a revoked and an out-of-scope token, and a token of
 * each role. A denial is 401 with a Bearer challenge or 403 with a JSON code, and changes
 * nothing: no event, no row, no object, no temporary file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {

  private static final String R = "reader";
  private static final String P = "producer";
  private static final String RA = "retention-admin";
  private static final String A = "admin";
  private static final Set<String> EVERYONE = Set.of("anonymous", R, P, RA, A);

  /** One method of one route, with the roles that may call it. */
  record Call(String method, String path, String body, Set<String> allowed) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  Path dir;
  final MutableClock clock = new MutableClock();
  TestServer server;
  Http http;
  Database db;
  TokenService tokens;
  final Map<String, String> secrets = new LinkedHashMap<>();
  String pkg;
  String hold;
  String fileSha;
  String spareToken;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir,
        json -> {
          json.getJsonObject("security").put("anonymous", "none");
          json.getJsonObject("attestations").put("producer", "team-a/attestations");
        }, clock);
    http = new Http(server.baseUrl());
    db = Database.open(server.vertx(), server.config().database());
    tokens = new TokenService(new EventLog(db, clock), server.config().security());
    secrets.put(R, issue("reader", List.of(R), null, "never"));
    secrets.put(P, issue("producer", List.of(P), List.of("team-a/*"), "never"));
    secrets.put(RA, issue("retention", List.of(RA), null, "never"));
    secrets.put(A, issue("admin", List.of(A), null, "never"));
    secrets.put("other-scope", issue("other", List.of(P, R), List.of("team-b/*"), "never"));
    secrets.put("expired", issue("expired", List.of(A), null, "PT1H"));
    String revoked = issue("revoked", List.of(A), null, "never");
    secrets.put("revoked", revoked);
    JsonObject revokedToken = tokens.authenticate(ApiTokens.hash(revoked)).await();
    tokens.revoke(new JsonObject().put("id", revokedToken.getString("id"))
        .put("actor", "test")).await();
    spareToken = tokens.authenticate(ApiTokens.hash(secrets.get(R))).await().getString("id");
    clock.advance(Duration.ofHours(2));

    String admin = "Bearer " + secrets.get(A);
    pkg = http.postJson("/v1/packages", "{\"producer\":\"team-a/app\",\"subject\":\"s\"}",
        "Authorization", admin).json().getString("id");
    byte[] content = "evidence".getBytes();
    assertEquals(201, http.put("/v1/packages/" + pkg + "/files/x", content,
        "Authorization", admin).status());
    fileSha = HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(content));
    hold = http.postJson("/v1/packages/" + pkg + "/holds", "{\"reason\":\"r\"}",
        "Authorization", admin).json().getString("hold_id");
    gitoid = http.send("POST", "/upload", HttpRequest.BodyPublishers.ofString(STATEMENT),
        "Authorization", admin).json().getString("gitoid");
  }

  static final String STATEMENT = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],"
      + "\"predicateType\":\"t\",\"predicate\":{}}";
  String gitoid;

  @AfterAll
  void stop() {
    if (db != null) {
      db.close().await();
    }
    if (server != null) {
      server.close();
    }
  }

  private String issue(String name, List<String> roles, List<String> scope, String expiresIn) {
    JsonObject req = new JsonObject().put("name", name).put("roles", new JsonArray(roles))
        .put("expires_in", expiresIn);
    if (scope != null) {
      req.put("producer_scope", new JsonArray(scope));
    }
    return server.token(req);
  }

  @Test
  @DisplayName("adding content by digest needs the right to read it: a producer scoped to "
      + "team-b is answered as if the server did not hold team-a's content")
  void addByDigestNeedsReadableContent() throws Exception {
    String digest = "{\"sha256\":\"" + fileSha + "\",\"size\":8}";
    String other = "Bearer " + secrets.get("other-scope");
    String own = http.postJson("/v1/packages", "{\"producer\":\"team-b/app\",\"subject\":\"s\"}",
        "Authorization", other).json().getString("id");
    String before = state();
    Http.Response refused = http.postJson("/v1/packages/" + own + "/files/copy", digest,
        "Authorization", other);
    assertEquals(404, refused.status(), refused.text());
    assertEquals("blob_not_found", refused.errorCode());
    assertEquals(before, state(), "nothing changed");
    // The same request by a producer whose scope covers a package holding the content.
    String producer = "Bearer " + secrets.get(P);
    String mine = http.postJson("/v1/packages", "{\"producer\":\"team-a/copy\",\"subject\":\"s\"}",
        "Authorization", producer).json().getString("id");
    Http.Response added = http.postJson("/v1/packages/" + mine + "/files/copy", digest,
        "Authorization", producer);
    assertEquals(201, added.status(), added.text());
  }

  List<Call> routes() {
    String p = "/v1/packages/" + pkg;
    String digest = "{\"sha256\":\"" + fileSha + "\",\"size\":8}";
    Set<String> read = Set.of(R, P, RA, A);
    Set<String> readAll = Set.of(R, RA, A);
    Set<String> write = Set.of(P, A);
    Set<String> retain = Set.of(RA, A);
    Set<String> admin = Set.of(A);
    List<Call> calls = new ArrayList<>(List.of(
        new Call("GET", "/v1/packages", null, readAll),
        new Call("HEAD", "/v1/packages", null, readAll),
        new Call("POST", "/v1/packages", "{\"producer\":\"team-a/new\",\"subject\":\"s\"}",
            write),
        new Call("GET", p, null, read),
        new Call("HEAD", p, null, read),
        new Call("GET", p + "/manifest", null, read),
        new Call("GET", p + "/retention", null, read),
        new Call("POST", p + "/retention", "{\"retention_class\":\"release-evidence\"}", retain),
        new Call("POST", p + "/holds", "{\"reason\":\"r\"}", retain),
        new Call("GET", p + "/events", null, read),
        new Call("POST", p + "/links", "{\"path\":\"x\"}", read),
        new Call("GET", p + "/files/x", null, read),
        new Call("HEAD", p + "/files/x", null, read),
        new Call("PUT", p + "/files/y", "bytes", write),
        new Call("POST", p + "/files/z", digest, write),
        new Call("POST", p + "/verify", null, admin),
        new Call("GET", "/v1/blobs/sha256/" + fileSha, null, readAll),
        new Call("GET", "/v1/retention/eligible", null, readAll),
        new Call("POST", "/v1/retention/sweep?dry_run=true", "{}", admin),
        new Call("GET", "/v1/events", null, readAll),
        new Call("GET", "/v1/audit/verify", null, readAll),
        new Call("GET", "/v1/stats", null, readAll),
        new Call("POST", "/v1/admin/fsck", "{}", admin),
        new Call("GET", "/v1/tokens", null, admin),
        new Call("POST", "/v1/tokens", "{\"name\":\"n\",\"roles\":[\"reader\"]}", admin),
        new Call("GET", "/v1/tokens/" + spareToken, null, admin),
        new Call("GET", "/v1/identity", null, EVERYONE),
        new Call("GET", "/health", null, EVERYONE),
        new Call("GET", "/health/live", null, EVERYONE),
        new Call("GET", "/health/ready", null, EVERYONE),
        new Call("GET", "/metrics", null, EVERYONE),
        new Call("GET", "/openapi.yaml", null, EVERYONE),
        new Call("POST", p + "/attestations", STATEMENT, write),
        new Call("GET", p + "/manifest.intoto.json", null, read),
        new Call("GET", "/v1/keys", null, EVERYONE),
        new Call("GET", p + "/attestations", null, read),
        new Call("POST", "/upload", STATEMENT, write),
        new Call("POST", "/v1/upload", STATEMENT, write),
        new Call("GET", "/download/" + gitoid, null, read),
        new Call("HEAD", "/v1/download/" + gitoid, null, read),
        new Call("POST", "/query", "{\"query\":\"{ dsses { totalCount } }\"}", read),
        new Call("POST", "/v1/query", "{\"query\":\"{ dsses { totalCount } }\"}", read),
        // Last: these change what the calls above rely on.
        new Call("POST", p + "/finalize", "{}", write),
        new Call("DELETE", p + "/holds/" + hold, null, retain),
        new Call("DELETE", p, null, retain),
        new Call("DELETE", "/v1/tokens/" + spareToken, null, admin)));
    return calls;
  }

  Http.Response call(Call c, String... headers) {
    List<String> all = new ArrayList<>(List.of(headers));
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    if (c.body() != null) {
      body = HttpRequest.BodyPublishers.ofString(c.body());
      all.add("Content-Type");
      all.add(c.method().equals("PUT") ? "application/octet-stream" : "application/json");
    }
    return http.send(c.method(), c.path(), body, all.toArray(String[]::new));
  }

  /** Everything a request could change: the event log, every view, stored objects, temporaries. */
  String state() throws Exception {
    StringBuilder s = new StringBuilder();
    for (String table : List.of("events", "packages", "files", "blobs", "blob_locations", "holds",
        "api_tokens", "attestations")) {
      s.append(table).append('=').append(db.query("SELECT COUNT(*) AS n FROM " + table).await()
          .iterator().next().getLong("n")).append(' ');
    }
    s.append(db.query("SELECT MAX(seq) AS m FROM events").await().iterator().next()
        .getValue("m"));
    try (Stream<Path> files = Files.walk(dir.resolve("blobs"))) {
      s.append(" files=").append(files.filter(Files::isRegularFile).map(Path::toString).sorted()
          .toList());
    }
    return s.toString();
  }

  void assertDenied(Call c, int status, String code, String... headers) throws Exception {
    String before = state();
    Http.Response r = call(c, headers);
    String where = c + " with " + List.of(headers);
    assertEquals(status, r.status(), where + ": " + r.text());
    if (!c.method().equals("HEAD")) {
      assertEquals(code, r.errorCode(), where);
    }
    String challenge = r.header("WWW-Authenticate");
    if (status == 401) {
      assertNotNull(challenge, where + ": a 401 carries a challenge (RFC 9110 section 11.6.1)");
      assertTrue(challenge.startsWith("Bearer realm=\"artifact-store\""), challenge);
    }
    assertEquals(before, state(), where + " changed nothing");
  }

  @Test
  @DisplayName("every route, every caller: denials are 401 or 403 with a code and change nothing; "
      + "each role gets exactly the routes of the matrix")
  void matrix() throws Exception {
    int denials = 0;
    int admitted = 0;
    for (Call c : routes()) {
      boolean open = c.allowed().contains("anonymous");
      if (!open) {
        assertDenied(c, 401, "unauthenticated");
        denials++;
      } else {
        assertEquals(200, call(c).status(), c + " is open to anonymous callers");
      }
      assertDenied(c, 400, "invalid_authorization", "Authorization", "Bearer a b");
      assertDenied(c, 401, "unauthenticated", "Authorization", "Basic dXNlcjpwYXNz");
      assertDenied(c, 401, "invalid_token", "Authorization", "Bearer " + secrets.get("expired"));
      assertDenied(c, 401, "invalid_token", "Authorization", "Bearer " + secrets.get("revoked"));
      assertDenied(c, 401, "invalid_token", "Authorization", "Bearer arst_notatoken");
      denials += 5;
      if (!open) {
        // A producer and reader of team-b/*: every route here is about team-a's package or
        // about every producer, so it is refused; its identity and the open routes are not.
        boolean roleFits = c.allowed().contains(P) || c.allowed().contains(R);
        boolean aboutPackage = c.path().startsWith("/v1/packages/")
            || (c.method().equals("POST") && c.path().equals("/v1/packages"))
            || c.path().matches("(/v1)?/(upload|download/.*|query)");
        String code = roleFits && aboutPackage ? "producer_not_in_scope" : "forbidden";
        assertDenied(c, 403, code, "Authorization", "Bearer " + secrets.get("other-scope"));
        denials++;
      }
      for (String role : List.of(R, P, RA, A)) {
        String auth = "Bearer " + secrets.get(role);
        if (c.allowed().contains(role)) {
          Http.Response r = call(c, "Authorization", auth);
          assertTrue(r.status() != 401 && r.status() != 403,
              c + " as " + role + " is allowed: " + r.status() + " " + r.text());
          admitted++;
        } else {
          assertDenied(c, 403, "forbidden", "Authorization", auth);
          denials++;
        }
      }
    }
    assertTrue(denials > 200 && admitted > 60, denials + " denials, " + admitted + " admitted");
  }
}
