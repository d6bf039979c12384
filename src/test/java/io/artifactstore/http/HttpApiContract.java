package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API end to end against a real server: real verticles, a real database (one subclass
 * per database) and, unless a subclass configures another, the local storage backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpApiContract {

  Path dir;

  TestServer server;
  Http http;
  /** The port the tests that write raw HTTP/1.1 on a socket connect to. */
  int wirePort;

  abstract TestDatabases.Kind database();

  @BeforeAll
  void startServer(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    start();
  }

  /** The limits every run of the suite uses. */
  static void limits(JsonObject json) {
    JsonObject limits = json.getJsonObject("limits", new JsonObject());
    json.put("limits", limits.put("max_path_depth", 8).put("max_metadata_bytes", 4096));
  }

  /** Starts what the suite talks to and sets {@link #http} and {@link #wirePort}. */
  void start() throws Exception {
    server = TestServer.start(database(), dir, json -> {
      limits(json);
      configure(json);
    });
    http = new Http(server.baseUrl());
    wirePort = server.port();
  }

  @AfterAll
  void stopServer() throws Exception {
    stop();
  }

  /** Stops what {@link #start} started. */
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  String createPackage() {
    return createPackage("{\"producer\":\"ci\",\"subject\":\"build-1\"}");
  }

  String createPackage(String json) {
    Http.Response r = http.postJson("/v1/packages", json);
    assertEquals(201, r.status(), r.text());
    return r.json().getString("id");
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** Changes the server's configuration JSON further, such as its storage backends. */
  void configure(JsonObject json) {}

  /**
   * Objects stored under a content address by the default backend. Suites whose default is not
   * the local backend override this and {@link #uploadLeftovers()}.
   */
  long blobCount() throws IOException {
    Path root = dir.resolve("blobs").resolve("sha256");
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  /** Temporary upload data the default backend still holds. */
  long uploadLeftovers() throws IOException {
    Path uploads = dir.resolve("blobs").resolve("_uploads");
    if (!Files.exists(uploads)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(uploads)) {
      return s.count();
    }
  }

  /** The uploads counted with {@code outcome} by the server on {@link #wirePort}, from /metrics. */
  double uploads(String outcome) {
    String prefix = "artifactstore_uploads_total{outcome=\"" + outcome + "\"} ";
    Http wire = new Http("http://127.0.0.1:" + wirePort);
    for (String line : wire.get("/metrics").text().split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(prefix.length()).trim());
      }
    }
    return 0;
  }

  @Test
  @DisplayName("creating a package returns its id, status, class, times and expiry from the class")
  void createPackage201() {
    Http.Response r = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\","
        + "\"retention_class\":\"transient\",\"metadata\":{\"k\":[1,2]}}");
    assertEquals(201, r.status(), r.text());
    JsonObject p = r.json();
    assertEquals("created", p.getString("status"));
    assertEquals("ci", p.getString("producer"));
    assertEquals("s", p.getString("subject"));
    assertEquals("transient", p.getString("retention_class"));
    assertEquals(new JsonObject().put("k", new JsonArray().add(1).add(2)), p.getJsonObject("metadata"));
    Instant created = Instant.parse(p.getString("created_at"));
    Instant expires = Instant.parse(p.getString("expires_at"));
    assertEquals(7 * 24 * 3600, expires.getEpochSecond() - created.getEpochSecond());
    assertEquals("/v1/packages/" + p.getString("id"), r.header("Location"));
  }

  @Test
  @DisplayName("a permanent-record package never expires and the default class applies when none is given")
  void permanentAndDefaultClass() {
    Http.Response permanent = http.postJson("/v1/packages",
        "{\"producer\":\"ci\",\"subject\":\"s\",\"retention_class\":\"permanent-record\"}");
    assertEquals(201, permanent.status());
    assertNull(permanent.json().getValue("expires_at"));
    Http.Response dflt = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\"}");
    assertEquals("raw-evidence", dflt.json().getString("retention_class"));
  }

  @Test
  @DisplayName("bad package requests are 4xx with a code and create nothing")
  void badCreateRequests() {
    long before = http.get("/v1/packages?limit=1000").json().getJsonArray("items").size();
    assertEquals("invalid_json", http.postJson("/v1/packages", "{not json").errorCode());
    assertEquals("invalid_json", http.postJson("/v1/packages", "[1,2]").errorCode());
    assertEquals("invalid_json", http.postJson("/v1/packages", "\"text\"").errorCode());
    for (String number : new String[] {"1e400", "9007199254740993.0", "12345678901234567890",
        "-9223372036854775808", "0.1000000000000000055511151231257827"}) {
      assertEquals("invalid_request", http.postJson("/v1/packages",
          "{\"producer\":\"p\",\"subject\":\"s\",\"metadata\":{\"n\":" + number + "}}")
          .errorCode(), number + " cannot be kept exactly");
    }
    assertEquals("invalid_request", http.postJson("/v1/packages", "{\"subject\":\"s\"}").errorCode());
    assertEquals("invalid_request",
        http.postJson("/v1/packages", "{\"producer\":3,\"subject\":\"s\"}").errorCode());
    assertEquals("invalid_request", http.postJson("/v1/packages",
        "{\"producer\":\"p\",\"subject\":\"s\",\"metadata\":[1]}").errorCode());
    Http.Response unknown = http.postJson("/v1/packages",
        "{\"producer\":\"p\",\"subject\":\"s\",\"retention_class\":\"forever-ish\"}");
    assertEquals(400, unknown.status());
    assertEquals("unknown_retention_class", unknown.errorCode());
    Http.Response big = http.postJson("/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\","
        + "\"metadata\":{\"x\":\"" + "y".repeat(5000) + "\"}}");
    assertEquals(413, big.status());
    assertEquals("metadata_too_large", big.errorCode());
    long after = http.get("/v1/packages?limit=1000").json().getJsonArray("items").size();
    assertEquals(before, after);
  }

  @Test
  @DisplayName("an uploaded file comes back byte for byte with its digests and media type")
  void uploadAndDownload() throws Exception {
    String id = createPackage();
    byte[] body = random(300_000, 1);
    Http.Response put = http.put("/v1/packages/" + id + "/files/reports/run%201/out.bin", body,
        "Content-Type", "application/x-test");
    assertEquals(201, put.status(), put.text());
    JsonObject f = put.json();
    assertEquals("reports/run 1/out.bin", f.getString("path"));
    assertEquals(body.length, f.getLong("size"));
    assertEquals(sha256(body), f.getString("sha256"));
    assertEquals(64, f.getString("blake3").length());
    assertEquals("application/x-test", f.getString("media_type"));

    Http.Response get = http.get("/v1/packages/" + id + "/files/reports/run%201/out.bin");
    assertEquals(200, get.status());
    assertArrayEquals(body, get.body());
    assertEquals("application/x-test", get.header("Content-Type"));
    assertEquals("bytes", get.header("Accept-Ranges"));
    assertEquals("\"" + sha256(body) + "\"", get.header("ETag"));
    assertEquals("sha-256=:" + Base64.getEncoder().encodeToString(
        HexFormat.of().parseHex(sha256(body))) + ":", get.header("Repr-Digest"));

    Http.Response head = http.head("/v1/packages/" + id + "/files/reports/run%201/out.bin");
    assertEquals(200, head.status());
    assertEquals(String.valueOf(body.length), head.header("Content-Length"));
    assertEquals(0, head.body().length);
  }

  @Test
  @DisplayName("the BLAKE3 digest is the standard one (empty input vector)")
  void blake3OfEmptyFile() {
    String id = createPackage();
    Http.Response put = http.put("/v1/packages/" + id + "/files/empty", new byte[0]);
    assertEquals(201, put.status(), put.text());
    assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
        put.json().getString("blake3"));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        put.json().getString("sha256"));
    Http.Response get = http.get("/v1/packages/" + id + "/files/empty");
    assertEquals(200, get.status());
    assertEquals(0, get.body().length);
  }

  @Test
  @DisplayName("single byte ranges: closed, open, suffix; 416 when unsatisfiable; 400 when malformed; other units ignored")
  void ranges() throws Exception {
    String id = createPackage();
    byte[] body = random(10_000, 2);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/r.bin", body).status());
    String url = "/v1/packages/" + id + "/files/r.bin";

    Http.Response closed = http.get(url, "Range", "bytes=100-199");
    assertEquals(206, closed.status());
    assertEquals("bytes 100-199/10000", closed.header("Content-Range"));
    assertArrayEquals(java.util.Arrays.copyOfRange(body, 100, 200), closed.body());

    Http.Response open = http.get(url, "Range", "bytes=9990-");
    assertEquals(206, open.status());
    assertArrayEquals(java.util.Arrays.copyOfRange(body, 9990, 10000), open.body());

    Http.Response suffix = http.get(url, "Range", "bytes=-5");
    assertEquals("bytes 9995-9999/10000", suffix.header("Content-Range"));
    assertArrayEquals(java.util.Arrays.copyOfRange(body, 9995, 10000), suffix.body());

    Http.Response past = http.get(url, "Range", "bytes=9000-20000");
    assertEquals("bytes 9000-9999/10000", past.header("Content-Range"));

    Http.Response unsatisfiable = http.get(url, "Range", "bytes=10000-");
    assertEquals(416, unsatisfiable.status());
    assertEquals("bytes */10000", unsatisfiable.header("Content-Range"));
    assertEquals("range_not_satisfiable", unsatisfiable.errorCode());

    Http.Response otherUnit = http.get(url, "Range", "lines=1-2");
    assertEquals(200, otherUnit.status());
    assertArrayEquals(body, otherUnit.body());
    for (String bad : new String[] {"bytes=abc", "bytes=5-1", "bytes=-", "bytes=1-2-3"}) {
      Http.Response r = http.get(url, "Range", bad);
      assertEquals(400, r.status(), bad);
      assertEquals("invalid_range", r.errorCode(), bad);
    }
    Http.Response multi = http.get(url, "Range", "bytes=0-1,5-6");
    assertEquals(200, multi.status());
    assertArrayEquals(body, multi.body());
  }

  @Test
  @DisplayName("If-None-Match gives 304; If-Range with a stale validator gives the whole file")
  void conditionalRequests() throws Exception {
    String id = createPackage();
    byte[] body = random(1000, 3);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/c.bin", body).status());
    String url = "/v1/packages/" + id + "/files/c.bin";
    String etag = "\"" + sha256(body) + "\"";
    assertEquals(304, http.get(url, "If-None-Match", etag).status());
    assertEquals(304, http.get(url, "If-None-Match", "\"x\", W/" + etag).status());
    assertEquals(200, http.get(url, "If-None-Match", "\"other\"").status());

    Http.Response fresh = http.get(url, "Range", "bytes=0-9", "If-Range", etag);
    assertEquals(206, fresh.status());
    Http.Response stale = http.get(url, "Range", "bytes=0-9", "If-Range", "\"stale\"");
    assertEquals(200, stale.status());
    assertEquals(1000, stale.body().length);
  }

  @Test
  @DisplayName("the same path twice is 409; ?replace=true replaces it before finalize")
  void sameePathTwice() {
    String id = createPackage();
    assertEquals(201, http.put("/v1/packages/" + id + "/files/a.txt", "one".getBytes()).status());
    Http.Response again = http.put("/v1/packages/" + id + "/files/a.txt", "two".getBytes());
    assertEquals(409, again.status());
    assertEquals("file_exists", again.errorCode());
    assertEquals("one", http.get("/v1/packages/" + id + "/files/a.txt").text());
    Http.Response replaced = http.put("/v1/packages/" + id + "/files/a.txt?replace=true",
        "three".getBytes());
    assertEquals(201, replaced.status(), replaced.text());
    assertEquals("three", http.get("/v1/packages/" + id + "/files/a.txt").text());
    JsonObject pkg = http.get("/v1/packages/" + id).json();
    assertEquals(1, pkg.getLong("file_count"));
    assertEquals(5, pkg.getLong("total_bytes"));
  }

  @Test
  @DisplayName("client digests are checked before commit: a mismatch stores nothing")
  void clientDigests() throws Exception {
    String id = createPackage();
    byte[] body = random(50_000, 4);
    String hex = sha256(body);
    String b64 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    assertEquals(201, http.put("/v1/packages/" + id + "/files/x1", body,
        "X-Checksum-Sha256", hex).status());
    assertEquals(201, http.put("/v1/packages/" + id + "/files/x2", body,
        "Content-Digest", "sha-512=:AAAA:, sha-256=:" + b64 + ":").status());
    assertEquals(201, http.put("/v1/packages/" + id + "/files/x3", body,
        "Repr-Digest", "sha-256=:" + b64 + ":").status());

    byte[] other = random(50_000, 5);
    long blobsBefore = blobCount();
    Http.Response bad = http.put("/v1/packages/" + id + "/files/x4", other,
        "X-Checksum-Sha256", hex);
    assertEquals(400, bad.status());
    assertEquals("digest_mismatch", bad.errorCode());
    assertEquals(404, http.get("/v1/packages/" + id + "/files/x4").status());
    assertEquals(blobsBefore, blobCount(), "a mismatched upload must not be stored");
    assertEquals(0, uploadLeftovers());
    assertEquals(404, http.get("/v1/blobs/sha256/" + sha256(other)).status());

    for (String[] h : new String[][] {
        {"X-Checksum-Sha256", "xyz"},
        {"Content-Digest", "sha-256=notbase64"},
        {"Content-Digest", "sha-256=:AAAA:"},
        {"Repr-Digest", "garbage"}}) {
      Http.Response r = http.put("/v1/packages/" + id + "/files/x5", body, h[0], h[1]);
      assertEquals(400, r.status(), h[0] + ": " + h[1]);
      assertEquals("invalid_digest_header", r.errorCode());
    }
    assertEquals(404, http.get("/v1/packages/" + id + "/files/x5").status());
  }

  @Test
  @DisplayName("identical content is stored once, whatever package or path it is uploaded under")
  void deduplication() throws Exception {
    byte[] body = random(20_000, 6);
    String a = createPackage();
    String b = createPackage();
    long before = blobCount();
    assertEquals(201, http.put("/v1/packages/" + a + "/files/one", body).status());
    assertEquals(201, http.put("/v1/packages/" + b + "/files/two/copy", body).status());
    assertEquals(before + 1, blobCount());
    assertArrayEquals(body, http.get("/v1/packages/" + b + "/files/two/copy").body());
  }

  @Test
  @DisplayName("bad logical paths are invalid_path and store nothing")
  void badPaths() throws Exception {
    String id = createPackage();
    long before = blobCount();
    String[] bad = {
        "/v1/packages/" + id + "/files/a/../b",
        "/v1/packages/" + id + "/files/a/./b",
        "/v1/packages/" + id + "/files/..",
        "/v1/packages/" + id + "/files/%2E%2E/x",
        "/v1/packages/" + id + "/files//abs",
        "/v1/packages/" + id + "/files/a//b",
        "/v1/packages/" + id + "/files/a/",
        "/v1/packages/" + id + "/files/a%5Cb",
        "/v1/packages/" + id + "/files/a%00b",
        "/v1/packages/" + id + "/files/a%0Ab",
        "/v1/packages/" + id + "/files/a%1Fb",
        "/v1/packages/" + id + "/files/bad%ZZescape",
        "/v1/packages/" + id + "/files/bad%FFutf8",
        "/v1/packages/" + id + "/files/" + "x".repeat(300),
        "/v1/packages/" + id + "/files/1/2/3/4/5/6/7/8/9",
        "/v1/packages/" + id + "/files/",
    };
    for (String url : bad) {
      Http.Response r = rawPut(url, "data".getBytes());
      assertEquals(400, r.status(), url + " -> " + r.text());
      assertEquals("invalid_path", r.errorCode(), url);
    }
    assertEquals(before, blobCount());
    assertEquals(0, http.get("/v1/packages/" + id).json().getLong("file_count"));
  }

  /** A PUT sent byte for byte as written, without the client normalizing the path. */
  Http.Response rawPut(String path, byte[] body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", wirePort)) {
      OutputStream out = s.getOutputStream();
      out.write(("PUT " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(response.substring(9, 12));
      String payload = response.substring(response.indexOf("\r\n\r\n") + 4);
      return new Http.Response(status, java.net.http.HttpHeaders.of(java.util.Map.of(), (x, y) -> true),
          payload.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  @DisplayName("unknown packages and files are 404 with their codes")
  void notFound() {
    String missing = "01890000-0000-7000-8000-000000000000";
    assertEquals("package_not_found", http.get("/v1/packages/" + missing).errorCode());
    assertEquals("package_not_found", http.get("/v1/packages/not-an-id").errorCode());
    assertEquals("package_not_found",
        http.put("/v1/packages/" + missing + "/files/a", "x".getBytes()).errorCode());
    String id = createPackage();
    Http.Response r = http.get("/v1/packages/" + id + "/files/nope");
    assertEquals(404, r.status());
    assertEquals("file_not_found", r.errorCode());
    assertEquals("not_found", http.get("/v1/nothing-here").errorCode());
    assertEquals("blob_not_found", http.get("/v1/blobs/sha256/" + "0".repeat(64)).errorCode());
    assertEquals("invalid_parameter", http.get("/v1/blobs/md5/" + "0".repeat(64)).errorCode());
    assertEquals("invalid_parameter", http.get("/v1/blobs/sha256/xyz").errorCode());
  }

  @Test
  @DisplayName("finalize freezes the package: manifest digest is the SHA-256 of the served manifest")
  void finalizeAndManifest() throws Exception {
    String id = createPackage("{\"producer\":\"ci\",\"subject\":\"release-7\","
        + "\"metadata\":{\"z\":1,\"a\":{\"y\":2,\"b\":3}}}");
    byte[] one = random(1234, 7);
    byte[] two = random(99, 8);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/z/last.txt", one,
        "Content-Type", "text/plain").status());
    assertEquals(201, http.put("/v1/packages/" + id + "/files/a/first.bin", two).status());
    assertEquals("package_not_finalized",
        http.get("/v1/packages/" + id + "/manifest").errorCode());

    Http.Response fin = http.postJson("/v1/packages/" + id + "/finalize", "");
    assertEquals(200, fin.status(), fin.text());
    JsonObject pkg = fin.json();
    assertEquals("finalized", pkg.getString("status"));
    assertNotNull(pkg.getString("finalized_at"));
    String digest = pkg.getString("manifest_digest");

    Http.Response manifest = http.get("/v1/packages/" + id + "/manifest");
    assertEquals(200, manifest.status());
    assertEquals("sha256:" + sha256(manifest.body()), digest);
    JsonObject m = manifest.json();
    assertEquals(id, m.getString("package_id"));
    assertEquals("release-7", m.getString("subject"));
    assertEquals(pkg.getString("finalized_at"), m.getString("finalized_at"));
    assertEquals(2, m.getInteger("file_count"));
    JsonArray files = m.getJsonArray("files");
    assertEquals("a/first.bin", files.getJsonObject(0).getString("path"));
    assertEquals("z/last.txt", files.getJsonObject(1).getString("path"));
    assertEquals(sha256(one), files.getJsonObject(1).getString("sha256"));
    assertEquals("text/plain", files.getJsonObject(1).getString("media_type"));
    assertTrue(manifest.text().startsWith("{\"created_at\""), "keys are sorted");
    assertTrue(manifest.text().contains("\"metadata\":{\"a\":{\"b\":3,\"y\":2},\"z\":1}"));

    Http.Response cbor = http.get("/v1/packages/" + id + "/manifest?format=cbor");
    assertEquals(200, cbor.status());
    assertEquals("application/cbor", cbor.header("Content-Type"));
    assertEquals("unsupported_format",
        http.get("/v1/packages/" + id + "/manifest?format=xml").errorCode());

    Http.Response again = http.postJson("/v1/packages/" + id + "/finalize", "");
    assertEquals(200, again.status());
    assertEquals(digest, again.json().getString("manifest_digest"));

    Http.Response late = http.put("/v1/packages/" + id + "/files/late", "x".getBytes());
    assertEquals(409, late.status());
    assertEquals("package_finalized", late.errorCode());
    Http.Response replace = http.put("/v1/packages/" + id + "/files/a/first.bin?replace=true",
        "x".getBytes());
    assertEquals("package_finalized", replace.errorCode());
    assertArrayEquals(two, http.get("/v1/packages/" + id + "/files/a/first.bin").body());
  }

  @Test
  @DisplayName("a package shows its files; listing filters and pages with a cursor")
  void getAndList() {
    String subject = "list-" + System.nanoTime();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      ids.add(createPackage("{\"producer\":\"lister\",\"subject\":\"" + subject + "\"}"));
    }
    String first = ids.iterator().next();
    http.put("/v1/packages/" + first + "/files/f", "abc".getBytes());
    JsonObject shown = http.get("/v1/packages/" + first).json();
    assertEquals(1, shown.getJsonArray("files").size());
    assertEquals("uploading", shown.getString("status"));

    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      Http.Response page = http.get("/v1/packages?subject=" + subject + "&limit=2"
          + (cursor == null ? "" : "&cursor=" + cursor));
      assertEquals(200, page.status(), page.text());
      JsonArray items = page.json().getJsonArray("items");
      assertTrue(items.size() <= 2);
      for (int i = 0; i < items.size(); i++) {
        assertTrue(seen.add(items.getJsonObject(i).getString("id")), "no duplicates across pages");
      }
      cursor = page.json().getString("next_cursor");
      pages++;
    } while (cursor != null);
    assertEquals(ids, seen);
    assertEquals(3, pages);

    JsonArray uploading = http.get("/v1/packages?subject=" + subject + "&status=uploading")
        .json().getJsonArray("items");
    assertEquals(1, uploading.size());
    assertEquals("invalid_parameter", http.get("/v1/packages?limit=0").errorCode());
    assertEquals("invalid_parameter", http.get("/v1/packages?limit=abc").errorCode());
    assertEquals("invalid_parameter", http.get("/v1/packages?status=weird").errorCode());
    assertEquals("invalid_parameter", http.get("/v1/packages?cursor=%21%21").errorCode());
  }

  @Test
  @DisplayName("blobs are readable by SHA-256 and by BLAKE3, with ranges")
  void blobs() throws Exception {
    String id = createPackage();
    byte[] body = random(4096, 9);
    JsonObject f = http.put("/v1/packages/" + id + "/files/blob.bin", body).json();
    assertArrayEquals(body, http.get("/v1/blobs/sha256/" + f.getString("sha256")).body());
    Http.Response byBlake3 = http.get("/v1/blobs/blake3/" + f.getString("blake3"),
        "Range", "bytes=0-15");
    assertEquals(206, byBlake3.status());
    assertArrayEquals(java.util.Arrays.copyOf(body, 16), byBlake3.body());
  }

  @Test
  @DisplayName("a client that disconnects mid-upload leaves no file, row or temporary file")
  void disconnectMidUpload() throws Exception {
    String id = createPackage();
    long before = blobCount();
    double aborted = uploads("aborted");
    try (Socket s = new Socket("127.0.0.1", wirePort)) {
      OutputStream out = s.getOutputStream();
      out.write(("PUT /v1/packages/" + id + "/files/partial.bin HTTP/1.1\r\nHost: localhost\r\n"
          + "Expect: 100-continue\r\nContent-Length: 10000000\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // 100 Continue: the server accepted the upload and reads its body from here on.
      String interim = new String(s.getInputStream().readNBytes(25), StandardCharsets.ISO_8859_1);
      assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);
      out.write(random(1_000_000, 10));
      out.flush();
    }
    // The server counts the upload as aborted once it has given up on it and cleaned up.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (uploads("aborted") == aborted && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(aborted + 1, uploads("aborted"), "the upload was counted as aborted");
    assertEquals(0, uploadLeftovers(), "temporary upload files left behind");
    assertEquals(before, blobCount());
    assertEquals(404, http.get("/v1/packages/" + id + "/files/partial.bin").status());
    JsonObject pkg = http.get("/v1/packages/" + id).json();
    assertEquals(0, pkg.getLong("file_count"));
    assertEquals("created", pkg.getString("status"));
    // The package still accepts the file afterwards.
    assertEquals(201, http.put("/v1/packages/" + id + "/files/partial.bin", "ok".getBytes()).status());
  }

  @Test
  @DisplayName("health reports database and storage up; metrics and the OpenAPI document are served")
  void opsEndpoints() {
    Http.Response health = http.get("/health");
    assertEquals(200, health.status(), health.text());
    assertEquals("UP", health.json().getString("status"));
    String id = createPackage();
    http.put("/v1/packages/" + id + "/files/m", random(1000, 11));
    http.get("/v1/packages/" + id + "/files/m");
    Http.Response metrics = http.get("/metrics");
    assertEquals(200, metrics.status());
    String text = metrics.text();
    assertTrue(text.contains("artifactstore_http_server_requests_seconds_count"),
        "request counts");
    assertTrue(text.contains("artifactstore_http_server_requests_seconds_bucket"),
        "latencies as a histogram");
    assertTrue(text.contains("artifactstore_ingest_bytes_total"), "bytes in");
    assertTrue(text.contains("artifactstore_served_bytes_total"), "bytes out");
    assertTrue(text.contains("artifactstore_uploads_total{outcome=\"stored\"}"), "uploads");
    assertTrue(text.contains("artifactstore_downloads_total"), "downloads");
    Http.Response openapi = http.get("/openapi.yaml");
    assertEquals(200, openapi.status());
    assertTrue(openapi.text().startsWith("openapi: 3.1.0"));
  }

  @Test
  @DisplayName("Expect: 100-continue gets 100 once the upload will be accepted, a final error otherwise")
  void expectContinue() throws Exception {
    String id = createPackage();
    byte[] body = random(5000, 12);
    try (Socket s = new Socket("127.0.0.1", wirePort)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("PUT /v1/packages/" + id + "/files/continued HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Length: " + body.length + "\r\nExpect: 100-continue\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      java.io.InputStream in = s.getInputStream();
      byte[] interim = new byte[25];
      int n = in.readNBytes(interim, 0, interim.length);
      assertTrue(new String(interim, 0, n, StandardCharsets.ISO_8859_1)
          .startsWith("HTTP/1.1 100 Continue"), new String(interim, 0, n));
      out.write(body);
      out.flush();
      byte[] rest = new byte[12];
      in.readNBytes(rest, 0, rest.length);
      assertTrue(new String(rest, StandardCharsets.ISO_8859_1).contains("201"),
          new String(rest, StandardCharsets.ISO_8859_1));
    }
    assertArrayEquals(body, http.get("/v1/packages/" + id + "/files/continued").body());

    assertEquals(200, http.postJson("/v1/packages/" + id + "/finalize", "").status());
    try (Socket s = new Socket("127.0.0.1", wirePort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("PUT /v1/packages/" + id + "/files/refused HTTP/1.1\r\n"
          + "Host: localhost\r\nContent-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 409"), answer);
      assertTrue(answer.contains("package_finalized"), answer);
    }
  }

  @Test
  @DisplayName("two uploads racing for one path: one wins, the other is 409, and no stored byte goes unrecorded")
  void racingUploads() throws Exception {
    String id = createPackage();
    byte[] a = random(8_000_000, 13);
    byte[] b = random(8_000_000, 14);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var fa = pool.submit(() -> http.put("/v1/packages/" + id + "/files/raced", a));
      var fb = pool.submit(() -> http.put("/v1/packages/" + id + "/files/raced", b));
      int[] statuses = {fa.get().status(), fb.get().status()};
      java.util.Arrays.sort(statuses);
      assertArrayEquals(new int[] {201, 409}, statuses);
    } finally {
      pool.shutdown();
    }
    byte[] kept = http.get("/v1/packages/" + id + "/files/raced").body();
    assertTrue(java.util.Arrays.equals(kept, a) || java.util.Arrays.equals(kept, b));
    // Both contents reached storage; both are recorded as blobs, so neither is an orphan the
    // registry does not know about.
    assertEquals(200, http.head("/v1/blobs/sha256/" + sha256(a)).status());
    assertEquals(200, http.head("/v1/blobs/sha256/" + sha256(b)).status());
  }

  @Test
  @DisplayName("GET /v1/blobs?size=N[&head_sha256=H] tells whether stored content may have that "
      + "size and head; bad sizes and heads are 400")
  void blobsBySize() throws Exception {
    byte[] body = random(12_345, 16);
    assertEquals(false, http.get("/v1/blobs?size=12345").json().getBoolean("held"));
    String a = createPackage();
    assertEquals(201, http.put("/v1/packages/" + a + "/files/sized.bin", body).status());
    Http.Response held = http.get("/v1/blobs?size=12345");
    assertEquals(200, held.status(), held.text());
    assertEquals(12345L, held.json().getLong("size"));
    assertEquals(true, held.json().getBoolean("held"));
    assertEquals(false, http.get("/v1/blobs?size=12346").json().getBoolean("held"));
    // The head: the SHA-256 of the first 64 KiB, here of all 12345 bytes.
    String head = sha256(body);
    Http.Response sameHead = http.get("/v1/blobs?size=12345&head_sha256="
        + head.toUpperCase(java.util.Locale.ROOT));
    assertEquals(true, sameHead.json().getBoolean("held"), sameHead.text());
    assertEquals(head, sameHead.json().getString("head_sha256"));
    assertEquals(false, http.get("/v1/blobs?size=12345&head_sha256=" + sha256(new byte[1]))
        .json().getBoolean("held"), "same size, another head");
    assertEquals(false, http.get("/v1/blobs?size=12346&head_sha256=" + head).json()
        .getBoolean("held"), "same head, another size");
    for (String bad : new String[] {"", "?size=", "?size=-1", "?size=1.5", "?size=x",
        "?size=1&size=2", "?size=99999999999999999999", "?size=1&head_sha256=",
        "?size=1&head_sha256=abc", "?size=1&head_sha256=" + head + "0",
        "?size=1&head_sha256=" + head + "&head_sha256=" + head,
        "?size=1&head_sha256=" + head.replace(head.charAt(0), 'g')}) {
      Http.Response r = http.get("/v1/blobs" + bad);
      assertEquals(400, r.status(), bad + ": " + r.text());
      assertEquals("invalid_parameter", r.errorCode(), bad);
    }
  }

  @Test
  @DisplayName("deploy by checksum: content the server holds is added by digest without its bytes")
  void addByDigest() throws Exception {
    byte[] body = random(40_000, 15);
    String hex = sha256(body);
    String a = createPackage();
    assertEquals(201, http.put("/v1/packages/" + a + "/files/orig.bin", body).status());
    String b = createPackage();
    JsonObject statsBefore = http.get("/v1/stats").json();

    Http.Response added = http.postJson("/v1/packages/" + b + "/files/copy/of.bin",
        "{\"sha256\":\"" + hex + "\",\"size\":" + body.length + ",\"media_type\":\"text/x-a\"}");
    assertEquals(201, added.status(), added.text());
    assertEquals(hex, added.json().getString("sha256"));
    assertEquals("text/x-a", added.json().getString("media_type"));
    assertArrayEquals(body, http.get("/v1/packages/" + b + "/files/copy/of.bin").body());
    JsonObject statsAfter = http.get("/v1/stats").json();
    assertEquals(statsBefore.getLong("stored_bytes"), statsAfter.getLong("stored_bytes"));
    assertEquals(statsBefore.getLong("logical_bytes") + body.length,
        statsAfter.getLong("logical_bytes"));

    Http.Response unknown = http.postJson("/v1/packages/" + b + "/files/x",
        "{\"sha256\":\"" + "a".repeat(64) + "\",\"size\":1}");
    assertEquals(404, unknown.status());
    assertEquals("blob_not_found", unknown.errorCode());
    Http.Response wrongSize = http.postJson("/v1/packages/" + b + "/files/x",
        "{\"sha256\":\"" + hex + "\",\"size\":1}");
    assertEquals(400, wrongSize.status());
    assertEquals("size_mismatch", wrongSize.errorCode());
    assertEquals("invalid_request", http.postJson("/v1/packages/" + b + "/files/x",
        "{\"sha256\":\"XYZ\",\"size\":1}").errorCode());
    assertEquals("invalid_request", http.postJson("/v1/packages/" + b + "/files/x",
        "{\"sha256\":\"" + hex + "\",\"size\":\"big\"}").errorCode());
    assertEquals("file_exists", http.postJson("/v1/packages/" + b + "/files/copy/of.bin",
        "{\"sha256\":\"" + hex + "\",\"size\":" + body.length + "}").errorCode());
    assertEquals(404, http.get("/v1/packages/" + b + "/files/x").status());
  }

  @Test
  @DisplayName("packages are found by manifest digest")
  void findByManifestDigest() {
    String id = createPackage();
    http.put("/v1/packages/" + id + "/files/m", "m".getBytes());
    String digest = http.postJson("/v1/packages/" + id + "/finalize", "").json()
        .getString("manifest_digest");
    JsonArray items = http.get("/v1/packages?manifest_digest=" + digest).json()
        .getJsonArray("items");
    assertEquals(1, items.size());
    assertEquals(id, items.getJsonObject(0).getString("id"));
  }

  @Test
  @DisplayName("methods a route does not take are 405 with a code")
  void methodNotAllowed() {
    Http.Response r = http.send("DELETE", "/v1/packages",
        java.net.http.HttpRequest.BodyPublishers.noBody());
    assertEquals(405, r.status());
    assertEquals("method_not_allowed", r.errorCode());
    assertFalse(r.text().isEmpty());
  }
}
