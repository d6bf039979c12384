package io.artifactstore.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public request addresses, used by a verticle deployed beside the store in its Vert.x
 * instance, and what they refuse.
 */
class BusGatewayTest {

  TestServer server;
  Http http;
  Path imports;
  Path outside;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    imports = Files.createDirectories(dir.resolve("imports"));
    outside = Files.createDirectories(dir.resolve("outside"));
    String root = imports.toString();
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("server"),
        json -> json.getJsonObject("integration").put("import_roots", root));
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /**
   * A co-deployed report generator: writes its report, preserves it in a package, finalizes,
   * and completes once it has seen the package's finalized notification.
   */
  static final class ReportGenerator extends VerticleBase {
    private final Path dir;
    final Promise<String> finalizedSeen = Promise.promise();
    private String packageId;

    ReportGenerator(Path dir) {
      this.dir = dir;
    }

    @Override
    public Future<?> start() {
      vertx.eventBus().<JsonObject>consumer(BusApi.EVENTS, m -> {
        EventNotification n = EventNotification.fromJson(m.body());
        if (n.type().equals("package.finalized") && n.packageId().equals(packageId)) {
          finalizedSeen.tryComplete(n.packageId());
        }
      });
      Path report = dir.resolve("report.html");
      return vertx.fileSystem().writeFile(report.toString(),
              io.vertx.core.buffer.Buffer.buffer("<h1>all green</h1>"))
          .compose(v -> vertx.eventBus().<JsonObject>request(BusApi.PACKAGE_CREATE,
              new CreatePackage("report-generator", "nightly", null, null).toJson()))
          .compose(created -> {
            packageId = created.body().getString("id");
            return vertx.eventBus().<JsonObject>request(BusApi.FILE_IMPORT, new ImportFile(
                packageId, "reports/index.html", report.toString(), "text/html", null, false)
                .toJson());
          })
          .compose(added -> vertx.eventBus().<JsonObject>request(BusApi.PACKAGE_FINALIZE,
              new PackageId(packageId).toJson()));
    }
  }

  @Test
  @DisplayName("a co-deployed verticle creates, imports a file, finalizes, and sees the notification")
  void reportGenerator() throws Exception {
    ReportGenerator generator = new ReportGenerator(imports);
    server.vertx().deployVerticle(generator).await();
    String id = generator.finalizedSeen.future().toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    Http.Response file = http.get("/v1/packages/" + id + "/files/reports/index.html");
    assertEquals(200, file.status());
    assertArrayEquals("<h1>all green</h1>".getBytes(StandardCharsets.UTF_8), file.body());
    assertEquals("text/html", file.header("Content-Type"));
    JsonObject pkg = request(BusApi.PACKAGE_GET, new PackageId(id).toJson());
    assertEquals("finalized", pkg.getString("status"));
    assertEquals(pkg.getString("manifest_digest"),
        http.get("/v1/packages/" + id).json().getString("manifest_digest"));
  }

  @Test
  @DisplayName("imports outside the roots, with '..', relative, missing or not regular are refused; nothing is added")
  void badImportsChangeNothing() throws Exception {
    String id = request(BusApi.PACKAGE_CREATE,
        new CreatePackage("p", "s", null, null).toJson()).getString("id");
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(imports.resolve("link.txt"), outside.resolve("secret.txt"));
    Files.writeString(imports.resolve("ok.txt"), "fine");

    assertRefused("import_path_refused", 403, importing(id, outside.resolve("secret.txt")));
    assertRefused("import_path_refused", 403,
        importing(id, imports + "/../outside/secret.txt"));
    assertRefused("import_path_refused", 403, importing(id, "imports/ok.txt"));
    assertRefused("import_path_refused", 403, importing(id, imports.resolve("link.txt")));
    assertRefused("import_path_refused", 403, importing(id, imports));
    assertRefused("import_file_missing", 404, importing(id, imports.resolve("nothing.txt")));
    assertRefused("invalid_path", 400, new ImportFile(id, "../x", imports.resolve("ok.txt")
        .toString(), null, null, false).toJson());
    assertRefused("invalid_request", 400, new JsonObject().put("package_id", id).put("path", "x"));
    assertRefused("package_not_found", 404, importing("01NOSUCHPACKAGE0000000000", imports
        .resolve("ok.txt")));
    ReplyException notJson = failure(BusApi.FILE_IMPORT, "just text");
    assertEquals(400, notJson.failureCode());

    assertEquals(0L, http.get("/v1/packages/" + id).json().getLong("file_count"),
        "no file was added");
    long added = request(BusApi.EVENTS_SINCE, new EventsSince(0, 1000).toJson())
        .getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("type")).filter("file.added"::equals).count();
    assertEquals(0, added, "no file.added event");

    // The same request with a good path works, so the refusals above were about the path.
    JsonObject ok = request(BusApi.FILE_IMPORT, importing(id, imports.resolve("ok.txt")));
    assertEquals(4, ok.getLong("size"));
  }

  @Test
  @DisplayName("a digest that does not match the file is digest_mismatch, and nothing is stored")
  void digestMismatch() throws Exception {
    String id = request(BusApi.PACKAGE_CREATE,
        new CreatePackage("p", "s", null, null).toJson()).getString("id");
    Files.writeString(imports.resolve("a.txt"), "abc");
    assertRefused("digest_mismatch", 400, new ImportFile(id, "a.txt",
        imports.resolve("a.txt").toString(), null, "0".repeat(64), false).toJson());
    assertEquals(0L, http.get("/v1/packages/" + id).json().getLong("file_count"));
  }

  @Test
  @DisplayName("manifest, retention status, extension and holds over the bus answer as HTTP does")
  void retentionAndHolds() throws Exception {
    StoreClient client = new StoreClient(server.vertx());
    String id = client.createPackage(new CreatePackage("p", "s", "transient", null)).await()
        .getString("id");
    Files.writeString(imports.resolve("r.txt"), "result");
    client.importFile(new ImportFile(id, "r.txt", imports.resolve("r.txt").toString(), null,
        null, false)).await();
    String digest = client.finalizePackage(id).await().getString("manifest_digest");

    JsonObject manifest = request(BusApi.PACKAGE_MANIFEST, new PackageId(id).toJson());
    assertEquals(digest, manifest.getString("manifest_digest"));
    assertEquals(http.get("/v1/packages/" + id + "/retention").json(),
        request(BusApi.RETENTION_STATUS, new PackageId(id).toJson()));

    JsonObject extended = request(BusApi.RETENTION_EXTEND,
        new RetentionChange(id, "release-evidence", null, "kept for the release").toJson());
    assertEquals("release-evidence", extended.getString("retention_class"), extended.encode());
    JsonObject hold = request(BusApi.HOLD_PLACE,
        new HoldRequest(id, null, "audit", "CASE-9").toJson());
    String holdId = hold.getString("hold_id");
    assertEquals(1, http.get("/v1/packages/" + id + "/retention").json().getJsonArray("holds")
        .size());
    request(BusApi.HOLD_RELEASE, new HoldRequest(id, holdId, "audit closed", null).toJson());
    JsonObject after = http.get("/v1/packages/" + id + "/retention").json();
    assertTrue(after.getJsonArray("holds").stream()
        .allMatch(h -> ((JsonObject) h).getString("released_at") != null), after.encode());

    ReplyException noReason = failure(BusApi.HOLD_PLACE, new JsonObject().put("id", id));
    assertEquals("invalid_request", code(noReason));
    ReplyException wrongType = failure(BusApi.RETENTION_EXTEND,
        new JsonObject().put("id", id).put("retention_class", 7));
    assertEquals("invalid_request", code(wrongType));
    ReplyException shorter = failure(BusApi.RETENTION_EXTEND,
        new RetentionChange(id, "transient", null, null).toJson());
    assertEquals("retention_shortening_refused", code(shorter));
  }

  @Test
  @DisplayName("package.list pages as GET /v1/packages does; file.add-by-digest adds held content without its bytes")
  void listAndAddByDigest() throws Exception {
    StoreClient client = new StoreClient(server.vertx());
    String first = client.createPackage(new CreatePackage("lister", "a", null, null)).await()
        .getString("id");
    String second = client.createPackage(new CreatePackage("lister", "b", null, null)).await()
        .getString("id");
    client.createPackage(new CreatePackage("someone-else", "c", null, null)).await();

    JsonObject page = request(BusApi.PACKAGE_LIST,
        new ListPackages("lister", null, null, null, null, 1).toJson());
    assertEquals(http.get("/v1/packages?producer=lister&limit=1").json(), page);
    assertEquals(1, page.getJsonArray("items").size());
    JsonObject rest = request(BusApi.PACKAGE_LIST, new ListPackages("lister", null, null, null,
        page.getString("next_cursor"), 10).toJson());
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (JsonObject p : List.of(page, rest)) {
      p.getJsonArray("items").forEach(o -> ids.add(((JsonObject) o).getString("id")));
    }
    assertEquals(java.util.Set.of(first, second), ids);
    assertEquals("invalid_parameter", code(failure(BusApi.PACKAGE_LIST,
        new JsonObject().put("limit", 5000))));
    assertEquals("invalid_request", code(failure(BusApi.PACKAGE_LIST,
        new JsonObject().put("limit", "ten"))));

    byte[] content = "shared evidence".getBytes(StandardCharsets.UTF_8);
    assertEquals(201, http.put("/v1/packages/" + first + "/files/e.txt", content).status());
    String sha = java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(content));
    JsonObject added = request(BusApi.FILE_ADD_BY_DIGEST,
        new AddByDigest(second, "copy/e.txt", sha, content.length, "text/plain", false)
            .toJson());
    assertEquals(sha, added.getString("sha256"), added.encode());
    assertArrayEquals(content,
        http.get("/v1/packages/" + second + "/files/copy/e.txt").body());
    assertEquals("size_mismatch", code(failure(BusApi.FILE_ADD_BY_DIGEST,
        new AddByDigest(second, "x", sha, 3, null, false).toJson())));
    assertEquals("blob_not_found", code(failure(BusApi.FILE_ADD_BY_DIGEST,
        new AddByDigest(second, "y", "0".repeat(64), 3, null, false).toJson())));
    assertEquals("invalid_request", code(failure(BusApi.FILE_ADD_BY_DIGEST,
        new JsonObject().put("package_id", second).put("path", "z").put("sha256", "ABC")
            .put("size", 1))));
    assertEquals("file_exists", code(failure(BusApi.FILE_ADD_BY_DIGEST,
        new AddByDigest(second, "copy/e.txt", sha, content.length, null, false).toJson())));
  }

  @Test
  @DisplayName("an import still running at the request-timeout header's deadline is cancelled: request_timeout, nothing stored")
  void importDeadline() throws Exception {
    String id = new StoreClient(server.vertx())
        .createPackage(new CreatePackage("p", "deadline", null, null)).await().getString("id");
    byte[] big = new byte[32 * 1024 * 1024];
    new java.util.Random(3).nextBytes(big);
    Path file = Files.write(imports.resolve("big.bin"), big);
    DeliveryOptions oneMs = new DeliveryOptions().setSendTimeout(60_000)
        .addHeader("request-timeout", "1");
    ReplyException late = assertInstanceOf(ReplyException.class, org.junit.jupiter.api.Assertions
        .assertThrows(Exception.class, () -> server.vertx().eventBus().request(
            BusApi.FILE_IMPORT, importing(id, file), oneMs).await()));
    assertEquals("request_timeout", code(late), late.getMessage());
    assertEquals(408, late.failureCode());
    assertEquals(0, http.get("/v1/packages/" + id).json().getJsonArray("files").size());
    ReplyException bad = assertInstanceOf(ReplyException.class, org.junit.jupiter.api.Assertions
        .assertThrows(Exception.class, () -> server.vertx().eventBus().request(
            BusApi.FILE_IMPORT, importing(id, file),
            new DeliveryOptions().addHeader("request-timeout", "soon")).await()));
    assertEquals("invalid_request", code(bad));
  }

  @Test
  @DisplayName("a scoped producer cannot add by digest content only other producers hold, nor list")
  void addByDigestScope(@TempDir Path other) throws Exception {
    try (TestServer closed = TestServer.start(TestDatabases.Kind.SQLITE, other,
        json -> json.getJsonObject("security").put("anonymous", "none"))) {
      String admin = closed.token("ops", "admin", "producer", "reader");
      String scoped = closed.token(new JsonObject().put("name", "team-b").put("roles",
          new io.vertx.core.json.JsonArray().add("producer").add("reader"))
          .put("producer_scope", new io.vertx.core.json.JsonArray().add("team-b")));
      Http h = new Http(closed.baseUrl());
      String auth = "Bearer " + admin;
      String secretPkg = h.postJson("/v1/packages", "{\"producer\":\"team-a\",\"subject\":\"s\"}",
          "Authorization", auth).json().getString("id");
      byte[] secret = "team a's secret".getBytes(StandardCharsets.UTF_8);
      assertEquals(201, h.put("/v1/packages/" + secretPkg + "/files/s.txt", secret,
          "Authorization", auth).status());
      String sha = java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(secret));
      String own = h.postJson("/v1/packages", "{\"producer\":\"team-b\",\"subject\":\"s\"}",
          "Authorization", auth).json().getString("id");
      ReplyException probe = failureOn(closed, BusApi.FILE_ADD_BY_DIGEST,
          new AddByDigest(own, "stolen.txt", sha, secret.length, null, false).toJson(), scoped);
      assertEquals("blob_not_found", code(probe));
      assertEquals("forbidden", code(failureOn(closed, BusApi.PACKAGE_LIST,
          new ListPackages(null, null, null, null, null, null).toJson(), scoped)));
      assertEquals(404, h.get("/v1/packages/" + own + "/files/stolen.txt",
          "Authorization", auth).status());
    }
  }

  @Test
  @DisplayName("requests are authorized as over HTTP: the authorization header, roles and scopes")
  void identityAndRoles(@TempDir Path other) throws Exception {
    try (TestServer closed = TestServer.start(TestDatabases.Kind.SQLITE, other,
        json -> json.getJsonObject("security").put("anonymous", "none"))) {
      var bus = closed.vertx().eventBus();
      JsonObject create = new CreatePackage("team-a", "nightly", null, null).toJson();
      ReplyException anonymous = failureOn(closed, BusApi.PACKAGE_CREATE, create, null);
      assertEquals(401, anonymous.failureCode());
      assertEquals("unauthenticated", code(anonymous));

      String reader = closed.token("dashboards", "reader");
      ReplyException readerCreates = failureOn(closed, BusApi.PACKAGE_CREATE, create, reader);
      assertEquals("forbidden", code(readerCreates));

      String scoped = closed.token(new JsonObject().put("name", "team-b").put("roles",
          new io.vertx.core.json.JsonArray().add("producer"))
          .put("producer_scope", new io.vertx.core.json.JsonArray().add("team-b")));
      assertEquals("producer_not_in_scope",
          code(failureOn(closed, BusApi.PACKAGE_CREATE, create, scoped)));

      String producer = closed.token("team-a-ci", "producer");
      JsonObject pkg = bus.<JsonObject>request(BusApi.PACKAGE_CREATE, create,
          new DeliveryOptions().addHeader("authorization", "Bearer " + producer)).await().body();
      assertEquals("team-a", pkg.getString("producer"));
      assertEquals("invalid_token", code(failureOn(closed, BusApi.PACKAGE_GET,
          new PackageId(pkg.getString("id")).toJson(), "not-a-real-token")));
      assertEquals("producer_not_in_scope", code(failureOn(closed, BusApi.PACKAGE_FINALIZE,
          new PackageId(pkg.getString("id")).toJson(), scoped)));
    }
  }

  private static ReplyException failureOn(TestServer s, String address, JsonObject body,
      String token) {
    DeliveryOptions options = new DeliveryOptions();
    if (token != null) {
      options.addHeader("authorization", "Bearer " + token);
    }
    try {
      s.vertx().eventBus().request(address, body, options).await();
    } catch (Exception e) {
      return assertInstanceOf(ReplyException.class, e);
    }
    throw new AssertionError("expected " + address + " to fail");
  }

  private static String code(ReplyException e) {
    return new JsonObject(e.getMessage()).getJsonObject("error").getString("code");
  }

  private JsonObject importing(String id, Object file) {
    return new ImportFile(id, "f.txt", file.toString(), null, null, false).toJson();
  }

  private JsonObject request(String address, JsonObject body) {
    return server.vertx().eventBus().<JsonObject>request(address, body,
        new DeliveryOptions().setSendTimeout(Duration.ofSeconds(30).toMillis())).await().body();
  }

  private ReplyException failure(String address, Object body) {
    try {
      server.vertx().eventBus().request(address, body).await();
    } catch (Exception e) {
      return assertInstanceOf(ReplyException.class, e);
    }
    throw new AssertionError("expected " + address + " to fail");
  }

  private void assertRefused(String code, int status, JsonObject body) {
    ReplyException e = failure(BusApi.FILE_IMPORT, body);
    JsonObject error = new JsonObject(e.getMessage()).getJsonObject("error");
    assertEquals(code, error.getString("code"), e.getMessage());
    assertEquals(status, e.failureCode(), e.getMessage());
    assertTrue(error.getString("message").length() > 0);
  }
}
