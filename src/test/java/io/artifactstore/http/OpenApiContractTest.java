package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.MutableClock;
import io.artifactstore.support.Prism;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's requests, successes and errors alike, sent through Stoplight Prism's validating
 * proxy: any answer docs/openapi.yaml does not describe (an undocumented status, a body that
 * breaks its schema, a missing required header field, another media type) fails the test.
 * Prism cannot relay two kinds of exchange: HEAD answers that declare a JSON body they do not
 * carry (it parses the empty content and fails), and requests whose JSON body is malformed (it
 * parses the request and never answers). Those go straight to the server and are checked
 * against the document here: a documented status for the operation, its required header
 * fields, and for errors a body whose code is one the document lists; HEAD answers have no
 * content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {

  static final Path SPEC = Path.of("docs/openapi.yaml");

  Path dir;
  MutableClock clock = new MutableClock();
  TestServer server;
  Prism prism;
  Http viaPrism;
  Http direct;
  OpenApiDocument document;
  final List<String> violations = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    dir = tempDir;
    server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json -> { }, clock);
    prism = Prism.start(SPEC.toAbsolutePath(), server.baseUrl(), Path.of("target/prism-contract.log"));
    viaPrism = new Http(prism.baseUrl());
    direct = new Http(server.baseUrl());
    document = OpenApiDocument.load(SPEC);
  }

  @AfterAll
  void stop() {
    if (prism != null) {
      prism.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Sends through Prism; records the answer's violations of the document. */
  Http.Response send(String method, String url, byte[] body, String... headers) {
    Http.Response r = viaPrism.send(method, url, body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body),
        headers);
    String header = r.header("sl-violations");
    if (header != null) {
      for (Object o : new JsonArray(header)) {
        JsonObject v = (JsonObject) o;
        if ("response".equals(v.getJsonArray("location").getString(0))) {
          violations.add(method + " " + url + " -> " + r.status() + ": " + v.getString("message"));
        }
      }
    }
    if (r.status() == 500 && String.valueOf(r.header("content-type")).contains("problem+json")) {
      violations.add(method + " " + url + ": prism could not relay the answer: " + r.text());
    }
    return r;
  }

  Http.Response get(String url, String... headers) {
    Http.Response r = send("GET", url, null, headers);
    head(url, headers);
    return r;
  }

  Http.Response json(String method, String url, String body, String... headers) {
    String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
    all[headers.length] = "Content-Type";
    all[headers.length + 1] = "application/json";
    return send(method, url, body.getBytes(StandardCharsets.UTF_8), all);
  }

  /** A request with a malformed JSON body, straight to the server, checked here. */
  void malformedJson(String method, String url, String body) {
    Http.Response r = direct.send(method, url, HttpRequest.BodyPublishers.ofString(body),
        "Content-Type", "application/json");
    violations.addAll(document.check(method, url, r));
  }

  /** HEAD straight to the server, checked against the document's HEAD operation. */
  void head(String url, String... headers) {
    Http.Response r = direct.head(url, headers);
    violations.addAll(document.check("HEAD", url, r));
  }

  @Test
  @DisplayName("every answer of the API, successes and errors, is described by docs/openapi.yaml")
  void everyAnswerDescribed() throws Exception {
    // Packages.
    Http.Response created = json("POST", "/v1/packages", "{\"producer\":\"ci\",\"subject\":"
        + "\"build-1\",\"retention_class\":\"transient\",\"metadata\":{\"k\":[1,2.5]}}");
    assertEquals(201, created.status(), created.text());
    String id = created.json().getString("id");
    malformedJson("POST", "/v1/packages", "{");
    json("POST", "/v1/packages", "{\"producer\":1}");
    send("POST", "/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\"}".getBytes(
        StandardCharsets.UTF_8), "Content-Type", "text/plain");
    json("POST", "/v1/packages", "{\"producer\":\"p\",\"subject\":\"s\",\"retention_class\":\"x\"}");
    get("/v1/packages");
    get("/v1/packages?limit=1&producer=ci&status=created");
    get("/v1/packages?limit=0");
    get("/v1/packages/" + id);
    get("/v1/packages/0190a0a0-0000-7000-8000-000000000000");
    get("/v1/packages/" + id + "/manifest");
    get("/v1/packages/" + id + "/manifest?format=xml");

    // Files: upload, by digest, conflicts, digests, media types.
    byte[] content = "hello, artifact-store".getBytes(StandardCharsets.UTF_8);
    String files = "/v1/packages/" + id + "/files/";
    Http.Response put = send("PUT", files + "reports%2Fa.txt", content,
        "Content-Type", "text/plain");
    assertEquals(201, put.status(), put.text());
    String sha = put.json().getString("sha256");
    String blake3 = put.json().getString("blake3");
    send("PUT", files + "reports%2Fa.txt", content);
    send("PUT", files + "bad.txt", content, "X-Checksum-Sha256", "0".repeat(64));
    send("PUT", files + "bad.txt", content, "Content-Type", "a/b/c");
    send("PUT", files + "..%2Fx", content);
    send("PUT", files + "new.txt", content, "If-Match", "\"0000\"");
    json("POST", files + "copy.txt", new JsonObject().put("sha256", sha)
        .put("size", content.length).encode());
    json("POST", files + "missing.txt", new JsonObject().put("sha256", "1".repeat(64))
        .put("size", 1).encode());
    json("POST", files + "size.txt", new JsonObject().put("sha256", sha).put("size", 1).encode());
    json("POST", files + "copy.txt", new JsonObject().put("sha256", sha)
        .put("size", content.length).encode());

    // Downloads, ranges and preconditions, by path and by digest.
    for (String url : new String[] {files + "reports%2Fa.txt", "/v1/blobs/sha256/" + sha,
        "/v1/blobs/blake3/" + blake3}) {
      String etag = get(url).header("ETag");
      get(url, "Range", "bytes=0-4");
      get(url, "Range", "bytes=-3");
      get(url, "Range", "bytes=999-");
      get(url, "Range", "bytes=5-1");
      get(url, "Range", "items=0-1");
      get(url, "Range", "bytes=0-1", "If-Range", "\"stale\"");
      get(url, "If-None-Match", etag);
      get(url, "If-Match", "\"0000\"");
    }
    get(files + "nothing.txt");
    get("/v1/blobs/sha256/" + "2".repeat(64));
    get("/v1/blobs/md5/" + "2".repeat(64));

    // Finalize, manifest, verify.
    send("POST", "/v1/packages/" + id + "/finalize", null);
    json("POST", "/v1/packages/" + id + "/finalize", "{}");
    send("PUT", files + "late.txt", content);
    String manifestTag = get("/v1/packages/" + id + "/manifest").header("ETag");
    get("/v1/packages/" + id + "/manifest", "If-None-Match", manifestTag);
    get("/v1/packages/" + id + "/manifest?format=cbor");
    send("POST", "/v1/packages/" + id + "/verify", null);
    String packageTag = get("/v1/packages/" + id).header("ETag");
    get("/v1/packages/" + id, "If-None-Match", packageTag);
    get("/v1/packages/" + id, "If-Match", "\"0000\"");

    // Retention, holds, deletion.
    get("/v1/packages/" + id + "/retention");
    json("POST", "/v1/packages/" + id + "/retention", "{\"retention_class\":\"raw-evidence\"}");
    json("POST", "/v1/packages/" + id + "/retention", "{\"retention_class\":\"transient\"}");
    json("POST", "/v1/packages/" + id + "/retention", "{\"retention_class\":1}");
    Http.Response hold = json("POST", "/v1/packages/" + id + "/holds", "{\"reason\":\"audit\"}");
    String holdId = hold.json().getString("hold_id");
    json("POST", "/v1/packages/" + id + "/holds", "{}");
    send("DELETE", "/v1/packages/" + id, null);
    send("DELETE", "/v1/packages/" + id + "/holds/" + holdId + "?reason=done", null);
    send("DELETE", "/v1/packages/" + id + "/holds/" + holdId + "?reason=again", null);
    send("DELETE", "/v1/packages/" + id + "/holds/nohold?reason=x", null);
    get("/v1/retention/eligible");
    clock.advance(Duration.ofDays(200));
    get("/v1/retention/eligible?limit=10");
    send("DELETE", "/v1/packages/" + id, null, "If-Match", "\"0000\"");
    send("DELETE", "/v1/packages/" + id + "?reason=expired", null);
    send("DELETE", "/v1/packages/" + id, null);
    get(files + "reports%2Fa.txt");
    get("/v1/packages/" + id);
    json("POST", "/v1/retention/sweep", "{}");
    send("POST", "/v1/retention/sweep?dry_run=false", null);
    send("POST", "/v1/retention/sweep?dry_run=maybe", null);
    send("POST", "/v1/admin/fsck", null);
    send("POST", "/v1/admin/fsck?grace=PT0S&verify_content=true&repair=true", null);
    send("POST", "/v1/admin/fsck?grace=soon", null);
    json("POST", "/v1/packages/" + id + "/holds", "{\"reason\":\"late\"}");

    // The log, operations.
    get("/v1/events");
    get("/v1/events?after=2&limit=3");
    get("/v1/events?after=-1");
    get("/v1/packages/" + id + "/events");
    get("/v1/audit/verify");
    get("/v1/stats");
    get("/v1/blobs?size=4");
    get("/v1/blobs?size=-4");
    get("/health");
    get("/metrics");
    get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
    get("/openapi.yaml");
    get("/v1/openapi.yaml");
    String statsTag = get("/v1/stats").header("ETag");
    get("/v1/stats", "If-None-Match", statsTag);

    // Tokens, identity, links, and what a bad credential gets.
    String linkPackage = json("POST", "/v1/packages", "{\"producer\":\"p\",\"subject\":\"l\"}")
        .json().getString("id");
    send("PUT", "/v1/packages/" + linkPackage + "/files/l.txt", "link".getBytes());
    Http.Response token = json("POST", "/v1/tokens", "{\"name\":\"ci\",\"roles\":[\"producer\"],"
        + "\"producer_scope\":[\"ci/*\"],\"expires_in\":\"P30D\"}");
    String tokenId = token.json().getString("id");
    String secret = token.json().getString("token");
    json("POST", "/v1/tokens", "{\"name\":\"Bad Name\",\"roles\":[]}");
    get("/v1/tokens");
    get("/v1/tokens/" + tokenId);
    get("/v1/tokens/tok_00000000000000000000");
    get("/v1/identity");
    get("/v1/identity", "Authorization", "Bearer " + secret);
    get("/v1/stats", "Authorization", "Bearer " + secret);
    get("/v1/packages/" + id, "Authorization", "Bearer " + secret);
    json("POST", "/v1/packages", "{\"producer\":\"other\",\"subject\":\"s\"}",
        "Authorization", "Bearer " + secret);
    send("DELETE", "/v1/tokens/" + tokenId + "?reason=done", null);
    get("/v1/identity", "Authorization", "Bearer " + secret);
    get("/v1/stats", "Authorization", "Bearer a b");
    Http.Response link = json("POST", "/v1/packages/" + linkPackage + "/links",
        "{\"path\":\"l.txt\",\"expires_in\":\"PT5M\"}");
    String url = link.json().getString("url");
    get(url.substring(url.indexOf("/v1/")));
    get(url.substring(url.indexOf("/v1/")).replaceAll("signature=.", "signature=_"));
    json("POST", "/v1/packages/" + linkPackage + "/links", "{\"path\":\"missing\"}");
    get("/v1/stats", "Authorization", "Basic dXNlcjpwYXNz");

    // Archivista's attestation API, attached attestations, signed manifests and keys.
    String statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":"
        + "\"x\",\"digest\":{\"sha256\":\"" + "ab".repeat(32) + "\"}}],\"predicateType\":\"t\"}";
    String gitoid = json("POST", "/upload", statement).json().getString("gitoid");
    json("POST", "/v1/upload", statement);
    json("POST", "/upload", "{\"payloadType\":1}");
    malformedJson("POST", "/upload", "not json");
    get("/download/" + gitoid);
    // A range of a JSON document is not JSON, which Prism cannot relay: checked here.
    violations.addAll(document.check("GET", "/v1/download/" + gitoid,
        direct.get("/v1/download/" + gitoid, "Range", "bytes=0-9")));
    get("/download/" + "0".repeat(64));
    get("/download/xyz");
    json("POST", "/query", "{\"query\":\"{ dsses { totalCount edges { node { gitoidSha256 } } } }\"}");
    json("POST", "/v1/query", "{\"query\":\"{ nothing }\"}");
    json("POST", "/query", "{\"variables\":{}}");
    json("POST", "/v1/packages/" + linkPackage + "/attestations", statement);
    get("/v1/packages/" + linkPackage + "/attestations");
    get("/v1/packages/" + "0".repeat(8) + "/attestations");
    get("/v1/keys");
    get("/v1/packages/" + linkPackage + "/manifest.intoto.json");
    String signedPackage = json("POST", "/v1/packages", "{\"producer\":\"p\",\"subject\":\"m\"}")
        .json().getString("id");
    json("POST", "/v1/packages/" + signedPackage + "/finalize", "{}");
    get("/v1/packages/" + signedPackage + "/manifest.intoto.json");

    assertEquals(List.of(), violations);
  }

  @Test
  @DisplayName("the check can fail: an answer that breaks a mutated copy of the document is reported")
  void checkCanFail() throws Exception {
    String mutated = Files.readString(SPEC)
        .replace("required: [packages, live_packages, files, logical_bytes, blobs, stored_bytes]",
            "required: [packages, no_such_field]");
    assertTrue(mutated.contains("no_such_field"));
    Path copy = dir.resolve("mutated-openapi.yaml");
    Files.writeString(copy, mutated);
    try (Prism strict = Prism.start(copy, server.baseUrl(), Path.of("target/prism-mutated.log"))) {
      Http.Response r = new Http(strict.baseUrl()).get("/v1/stats");
      assertTrue(String.valueOf(r.header("sl-violations")).contains("no_such_field"),
          "prism reported: " + r.header("sl-violations"));
    }
    OpenApiDocument strictHead = OpenApiDocument.parse(Files.readString(SPEC)
        .replace("Content-Length: {$ref: '#/components/headers/ContentLength'}",
            "X-Required-Elsewhere: {required: true, schema: {type: string}}"));
    assertFalse(strictHead.check("HEAD", "/v1/stats", direct.head("/v1/stats")).isEmpty());
    assertFalse(document.check("HEAD", "/v1/nowhere", direct.head("/v1/nowhere")).isEmpty(),
        "an undocumented path is reported");
    Http.Response notAnError = direct.get("/v1/stats");
    assertFalse(document.check("POST", "/v1/packages", new Http.Response(400, notAnError.headers(),
        notAnError.body())).isEmpty(), "an error body without a listed code is reported");
  }

  /** The parts of the document the HEAD check needs, read with SnakeYAML (anchors resolved). */
  record OpenApiDocument(Map<String, Object> root) {

    static OpenApiDocument load(Path spec) throws Exception {
      return parse(Files.readString(spec));
    }

    static OpenApiDocument parse(String yaml) {
      return new OpenApiDocument(OpenApiCoverageTest.yaml().load(yaml));
    }

    /**
     * Violations of the operation {@code method} of the path {@code url} matches: an
     * undocumented status, a missing required header field, content in a HEAD answer, an
     * error body whose code the document does not list.
     */
    List<String> check(String method, String url, Http.Response r) {
      List<String> out = new ArrayList<>();
      String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
      String where = method + " " + url + " -> " + r.status();
      Map<String, Object> operation = null;
      for (Map.Entry<String, Object> p : map(root.get("paths")).entrySet()) {
        String regex = p.getKey().replaceAll("\\{[^}]+}", "[^/]+").replace(".", "\\.");
        if (path.matches(regex)) {
          operation = map(map(p.getValue()).get(method.toLowerCase(Locale.ROOT)));
        }
      }
      if (operation == null) {
        out.add(where + ": no such operation in the document");
        return out;
      }
      Object response = map(operation.get("responses")).get(Integer.toString(r.status()));
      if (response == null) {
        out.add(where + ": status not documented");
        return out;
      }
      Map<String, Object> resolved = resolve(map(response));
      Map<String, Object> headers = map(resolved.getOrDefault("headers", Map.of()));
      for (Map.Entry<String, Object> h : headers.entrySet()) {
        Map<String, Object> header = resolve(map(h.getValue()));
        if (Boolean.TRUE.equals(header.get("required"))
            && r.header(h.getKey().toLowerCase(Locale.ROOT)) == null) {
          out.add(where + ": no " + h.getKey());
        }
      }
      if (method.equals("HEAD")) {
        if (r.body().length > 0) {
          out.add(where + ": content in a HEAD answer");
        }
      } else if (r.status() >= 400) {
        out.addAll(checkErrorBody(where, r));
      }
      return out;
    }

    private List<String> checkErrorBody(String where, Http.Response r) {
      List<?> codes = (List<?>) at("components", "schemas", "Error", "properties", "error",
          "properties", "code", "enum");
      try {
        JsonObject error = r.json().getJsonObject("error");
        if (!codes.contains(error.getString("code")) || error.getString("message") == null) {
          return List.of(where + ": not a documented error: " + r.text());
        }
        return List.of();
      } catch (RuntimeException e) {
        return List.of(where + ": not a JSON error: " + r.text());
      }
    }

    /** The node at {@code keys} from the root. */
    private Object at(String... keys) {
      Object node = root;
      for (String k : keys) {
        node = map(node).get(k);
      }
      return node;
    }

    private Map<String, Object> resolve(Map<String, Object> node) {
      Object ref = node.get("$ref");
      if (!(ref instanceof String s)) {
        return node;
      }
      return resolve(map(at(s.substring(2).split("/"))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
      return o == null ? null : (Map<String, Object>) o;
    }
  }
}
