package io.artifactstore.attestations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archivista's HTTP API as its clients use it: darnit's bare Statement upload and download,
 * archivistactl's and go-witness's GraphQL queries (verbatim), and what Archivista gets wrong
 * (duplicates, unknown ids, bad input) answered properly.
 */
public abstract class ArchivistaApiContract {

  abstract TestDatabases.Kind database();


  /** archivistactl search (cmd/archivistactl/cmd/search.go), verbatim. */
  static final String SEARCH = """
      query($algo: String!, $digest: String!) {
        dsses(
          where: {
            hasStatementWith: {
              hasSubjectsWith: {
                hasSubjectDigestsWith: {
                  value: $digest,
                  algorithm: $algo
                }
              }
            }
          }
        ) {
          edges {
            node {
              gitoidSha256
              statement {
                attestationCollections {
                  name
                  attestations {
                    type
                  }
                }
              }
            }
          }
        }
      }""";

  /** archivistactl retrieve subjects (cmd/archivistactl/cmd/retrieve.go), verbatim. */
  static final String RETRIEVE_SUBJECTS = """
      query($gitoid: String!) {
      	subjects(
      		where: {
      			hasStatementWith:{
              hasDsseWith:{
                gitoidSha256: $gitoid
              }
            }
      		}
      	) {
      		edges {
            node{
              name
              subjectDigests{
                algorithm
                value
              }
            }
          }
        }
      }""";

  /** go-witness SearchGitoids (archivista/searchgitoids.go), verbatim. */
  static final String WITNESS_SEARCH = """
      query ($subjectDigests: [String!], $attestations: [String!], $collectionName: String!, $excludeGitoids: [String!]) {
        dsses(
          where: {
      			gitoidSha256NotIn: $excludeGitoids,
      			hasStatementWith: {
      				hasAttestationCollectionsWith: {
      					name: $collectionName,
      					hasAttestationsWith: {
      						typeIn: $attestations
      					}
      				},
      				hasSubjectsWith: {
      					hasSubjectDigestsWith: {
      						valueIn: $subjectDigests
      					}
      				}
      			}
      		}
        ) {
          edges {
            node {
              gitoidSha256
            }
          }
        }
      }""";

  /** go-witness's second form, without the attestation filter (it still sends the variable). */
  static final String WITNESS_SUBJECT_ONLY = """
      query ($subjectDigests: [String!], $collectionName: String!, $excludeGitoids: [String!]) {
      	dsses(
      	  where: {
      			  gitoidSha256NotIn: $excludeGitoids,
      			  hasStatementWith: {
      				  hasAttestationCollectionsWith: {
      					  name: $collectionName,
      				  },
      				  hasSubjectsWith: {
      					  hasSubjectDigestsWith: {
      						  valueIn: $subjectDigests
      					  }
      				  }
      			  }
      		  }
      	) {
      	  edges {
      		node {
      		  gitoidSha256
      		}
      	  }
      	}
        }""";

  TestServer server;
  Http http;
  io.artifactstore.support.MutableClock clock = new io.artifactstore.support.MutableClock();

  @BeforeEach
  void start(@TempDir Path dir) {
    server = TestServer.start(database(), dir, json -> json.getJsonObject("attestations")
        .put("retention_class", "transient").put("max_bytes", 65536), clock);
    http = new Http(server.baseUrl());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** darnit's body: a bare in-toto v1 Statement, compact JSON. */
  static String darnitStatement(String repo, String commit) {
    return new JsonObject()
        .put("_type", "https://in-toto.io/Statement/v1")
        .put("subject", new JsonArray().add(new JsonObject()
            .put("name", "git+https://github.com/" + repo)
            .put("digest", new JsonObject().put("gitCommit", commit))))
        .put("predicateType", "https://openssf.org/baseline/assessment/v1")
        .put("predicate", new JsonObject().put("level", 1).put("passed", 42)).encode();
  }

  /** A witness collection Statement about {@code sha256} of {@code name}, as DSSE payload. */
  public static byte[] witnessStatement(String name, String sha256, String step) {
    return new JsonObject()
        .put("_type", "https://in-toto.io/Statement/v0.1")
        .put("subject", new JsonArray().add(new JsonObject().put("name", name)
            .put("digest", new JsonObject().put("sha256", sha256))))
        .put("predicateType", DocumentScanner.WITNESS_COLLECTION)
        .put("predicate", new JsonObject().put("name", step).put("attestations", new JsonArray()
            .add(new JsonObject().put("type", "https://witness.dev/attestations/git/v0.1")
                .put("attestation", new JsonObject().put("commithash", "abc")))
            .add(new JsonObject().put("type", "https://witness.dev/attestations/product/v0.1")
                .put("attestation", new JsonObject()))))
        .encode().getBytes(StandardCharsets.UTF_8);
  }

  /** A DSSE envelope of {@code payload}, signed with {@code key} (Ed25519) as {@code keyid}. */
  static String envelope(byte[] payload, KeyPair key, String keyid) throws Exception {
    String type = "application/vnd.in-toto+json";
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(key.getPrivate());
    signer.update(Dsse.pae(type, payload));
    return new JsonObject().put("payloadType", type)
        .put("payload", Base64.getEncoder().encodeToString(payload))
        .put("signatures", new JsonArray().add(new JsonObject().put("keyid", keyid)
            .put("sig", Base64.getEncoder().encodeToString(signer.sign())))).encode() + "\n";
  }

  private Http.Response upload(String path, String body) {
    return http.send("POST", path, HttpRequest.BodyPublishers.ofString(body),
        "Content-Type", "application/json");
  }

  private JsonObject graphql(String query, JsonObject variables) {
    Http.Response r = http.postJson("/query", new JsonObject().put("query", query)
        .put("variables", variables).encode());
    assertEquals(200, r.status(), r.text());
    return r.json();
  }

  @Test
  @DisplayName("darnit: a bare Statement is stored byte for byte under its gitoid; the same bytes again are the same gitoid and nothing new")
  void darnitStoreAndRetrieve() {
    String body = darnitStatement("acme/widget", "0123456789abcdef0123456789abcdef01234567");
    Http.Response stored = upload("/upload", body);
    assertEquals(200, stored.status(), stored.text());
    String gitoid = stored.json().getString("gitoid");
    assertEquals(Gitoid.of(body.getBytes(StandardCharsets.UTF_8)), gitoid);
    assertTrue(stored.text().endsWith("\n"));
    long events = http.get("/v1/events?limit=1000").json().getJsonArray("items").size();

    // A client that waits for 100 Continue (curl told to wait up to 30 s) gets it at once.
    Path file;
    try {
      file = java.nio.file.Files.writeString(java.nio.file.Files.createTempFile("att", ".json"),
          body);
      String[] curl = io.artifactstore.support.Processes.run(file.getParent(), "curl", "-sS",
          "-m", "20", "--expect100-timeout", "30", "-H", "Expect: 100-continue",
          "-H", "Content-Type: application/json", "--data-binary", "@" + file,
          server.baseUrl() + "/upload");
      assertEquals("0", curl[0], curl[1]);
      assertEquals(gitoid, new JsonObject(curl[1].trim()).getString("gitoid"));
      java.nio.file.Files.delete(file);
    } catch (Exception e) {
      throw new AssertionError(e);
    }

    Http.Response again = upload("/v1/upload", body);
    assertEquals(200, again.status(), again.text());
    assertEquals(gitoid, again.json().getString("gitoid"));
    assertEquals(stored.json().getString("package_id"), again.json().getString("package_id"));
    assertEquals(events, http.get("/v1/events?limit=1000").json().getJsonArray("items").size(),
        "a duplicate records nothing");

    for (String prefix : new String[] {"", "/v1"}) {
      Http.Response got = http.get(prefix + "/download/" + gitoid);
      assertEquals(200, got.status());
      assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), got.body());
    }
    JsonObject pkg = http.get("/v1/packages/" + stored.json().getString("package_id")).json();
    assertEquals("attestations", pkg.getString("producer"));
    assertEquals("finalized", pkg.getString("status"));
    assertEquals(gitoid, pkg.getString("subject"));

    JsonObject subjects = graphql(RETRIEVE_SUBJECTS, new JsonObject().put("gitoid", gitoid));
    assertNull(subjects.getValue("errors"), subjects.encode());
    JsonObject subject = subjects.getJsonObject("data").getJsonObject("subjects")
        .getJsonArray("edges").getJsonObject(0).getJsonObject("node");
    assertEquals("git+https://github.com/acme/widget", subject.getString("name"));
    assertEquals(new JsonObject().put("algorithm", "gitCommit")
            .put("value", "0123456789abcdef0123456789abcdef01234567"),
        subject.getJsonArray("subjectDigests").getJsonObject(0));
  }

  @Test
  @DisplayName("darnit's own calls (Python urllib, as its ArchivistaBackend makes them) store and read back its Statement; search by its gitCommit finds it")
  void darnitReplayed(@TempDir Path tmp) throws Exception {
    Path script = tmp.resolve("darnit_replay.py");
    try (var in = ArchivistaApiContract.class.getResourceAsStream("darnit_replay.py")) {
      java.nio.file.Files.write(script, in.readAllBytes());
    }
    String commit = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    String[] run = io.artifactstore.support.Processes.run(tmp, "python3", script.toString(),
        server.baseUrl(), "acme", "widget", commit);
    assertEquals("0", run[0], run[1]);
    JsonObject out = new JsonObject(run[1].trim().lines().reduce((a, b) -> b).orElseThrow());
    assertEquals(true, out.getBoolean("roundtrip"), out.encode());
    assertEquals(out.getString("gitoid_expected"), out.getString("gitoid"));
    JsonObject found = graphql(SEARCH, new JsonObject().put("algo", "gitCommit")
        .put("digest", commit));
    assertEquals(out.getString("gitoid"), found.getJsonObject("data").getJsonObject("dsses")
        .getJsonArray("edges").getJsonObject(0).getJsonObject("node").getString("gitoidSha256"));
  }

  @Test
  @DisplayName("archivistactl search and go-witness's two searches find signed collections by subject digest")
  void searches() throws Exception {
    KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String digest = "a".repeat(64);
    String build = envelope(witnessStatement("bin/tool", digest, "build"), key, "k1");
    String test = envelope(witnessStatement("bin/tool", digest, "test"), key, "k1");
    String other = envelope(witnessStatement("bin/other", "b".repeat(64), "build"), key, "k1");
    String buildId = upload("/upload", build).json().getString("gitoid");
    String testId = upload("/upload", test).json().getString("gitoid");
    upload("/upload", other);

    JsonObject found = graphql(SEARCH, new JsonObject().put("algo", "sha256").put("digest", digest));
    assertNull(found.getValue("errors"), found.encode());
    JsonArray edges = found.getJsonObject("data").getJsonObject("dsses").getJsonArray("edges");
    assertEquals(2, edges.size(), found.encode());
    JsonObject first = edges.getJsonObject(0).getJsonObject("node");
    assertEquals(buildId, first.getString("gitoidSha256"));
    JsonObject collection = first.getJsonObject("statement").getJsonObject("attestationCollections");
    assertEquals("build", collection.getString("name"));
    assertEquals(new JsonArray().add(new JsonObject().put("type",
            "https://witness.dev/attestations/git/v0.1")).add(new JsonObject().put("type",
            "https://witness.dev/attestations/product/v0.1")),
        collection.getJsonArray("attestations"));

    JsonObject witness = graphql(WITNESS_SEARCH, new JsonObject()
        .put("subjectDigests", new JsonArray().add(digest)).put("collectionName", "test")
        .put("attestations", new JsonArray().add("https://witness.dev/attestations/git/v0.1"))
        .put("excludeGitoids", new JsonArray()));
    assertNull(witness.getValue("errors"), witness.encode());
    assertEquals(new JsonArray().add(new JsonObject().put("node", new JsonObject()
            .put("gitoidSha256", testId))),
        witness.getJsonObject("data").getJsonObject("dsses").getJsonArray("edges"));

    JsonObject excluded = graphql(WITNESS_SEARCH, new JsonObject()
        .put("subjectDigests", new JsonArray().add(digest)).put("collectionName", "test")
        .put("attestations", new JsonArray().add("https://witness.dev/attestations/git/v0.1"))
        .put("excludeGitoids", new JsonArray().add(testId)));
    assertEquals(0, excluded.getJsonObject("data").getJsonObject("dsses").getJsonArray("edges")
        .size(), excluded.encode());

    JsonObject subjectOnly = graphql(WITNESS_SUBJECT_ONLY, new JsonObject()
        .put("subjectDigests", new JsonArray().add(digest)).put("collectionName", "build")
        .putNull("attestations").put("excludeGitoids", new JsonArray()));
    assertNull(subjectOnly.getValue("errors"), subjectOnly.encode());
    assertEquals(buildId, subjectOnly.getJsonObject("data").getJsonObject("dsses")
        .getJsonArray("edges").getJsonObject(0).getJsonObject("node").getString("gitoidSha256"));

    JsonObject emptyNested = graphql(WITNESS_SEARCH, new JsonObject()
        .put("subjectDigests", new JsonArray().add(digest)).put("collectionName", "build")
        .putNull("attestations").put("excludeGitoids", new JsonArray()));
    assertTrue(emptyNested.getJsonArray("errors").getJsonObject(0).getString("message")
        .contains("empty predicate"), emptyNested.encode());
  }

  @Test
  @DisplayName("attestations attached to a package must name its manifest or a file; listed with their verdicts and found by the search")
  void attach() throws Exception {
    String pkg = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"b7\"}")
        .json().getString("id");
    byte[] app = "the app".getBytes(StandardCharsets.UTF_8);
    assertEquals(201, http.put("/v1/packages/" + pkg + "/files/app", app).status());
    String appSha = java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(app));
    String manifest = http.postJson("/v1/packages/" + pkg + "/finalize", "{}").json()
        .getString("manifest_digest").substring("sha256:".length());
    KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String aboutFile = envelope(witnessStatement("app", appSha, "build"), key, "k");
    String aboutManifest = envelope(witnessStatement("manifest", manifest, "release"), key, "k");
    String aboutOther = envelope(witnessStatement("x", "9".repeat(64), "build"), key, "k");
    long events = http.get("/v1/events?limit=1000").json().getJsonArray("items").size();
    for (String refused : new String[] {aboutOther,
        darnitStatement("acme/x", "3".repeat(40))}) {
      Http.Response r = http.send("POST", "/v1/packages/" + pkg + "/attestations",
          HttpRequest.BodyPublishers.ofString(refused), "Content-Type", "application/json");
      assertCode(r, 422, "attestation_not_about_package");
    }
    assertEquals(events, http.get("/v1/events?limit=1000").json().getJsonArray("items").size());

    Http.Response one = http.send("POST", "/v1/packages/" + pkg + "/attestations",
        HttpRequest.BodyPublishers.ofString(aboutFile), "Content-Type", "application/json");
    assertEquals(201, one.status(), one.text());
    assertEquals(pkg, one.json().getString("attached_to"));
    assertEquals("/download/" + one.json().getString("gitoid"), one.header("Location"));
    assertEquals(201, http.send("POST", "/v1/packages/" + pkg + "/attestations",
        HttpRequest.BodyPublishers.ofString(aboutManifest), "Content-Type", "application/json")
        .status());
    Http.Response sameAgain = http.send("POST", "/v1/packages/" + pkg + "/attestations",
        HttpRequest.BodyPublishers.ofString(aboutFile), "Content-Type", "application/json");
    assertEquals(200, sameAgain.status(), "held already: " + sameAgain.text());
    assertEquals(pkg, sameAgain.json().getString("attached_to"));
    JsonArray items = http.get("/v1/packages/" + pkg + "/attestations").json()
        .getJsonArray("items");
    assertEquals(2, items.size(), items.encode());
    assertEquals(one.json().getString("gitoid"), items.getJsonObject(0).getString("gitoid"));
    assertEquals("no trusted keys are configured", items.getJsonObject(0)
        .getJsonArray("signatures").getJsonObject(0).getString("reason"));
    JsonObject found = graphql(SEARCH, new JsonObject().put("algo", "sha256")
        .put("digest", appSha));
    assertEquals(one.json().getString("gitoid"), found.getJsonObject("data")
        .getJsonObject("dsses").getJsonArray("edges").getJsonObject(0).getJsonObject("node")
        .getString("gitoidSha256"));
    JsonObject attached = graphql("query($p: String!) { dsses(where: {gitoidSha256: $p}) "
        + "{ edges { node { attachedTo } } } }", new JsonObject().put("p",
            one.json().getString("gitoid")));
    assertEquals(pkg, attached.getJsonObject("data").getJsonObject("dsses").getJsonArray("edges")
        .getJsonObject(0).getJsonObject("node").getString("attachedTo"));
    assertCode(http.get("/v1/packages/" + "0".repeat(8) + "/attestations"), 404,
        "package_not_found");
  }

  @Test
  @DisplayName("filters as ent means them: hasXWith of two conditions needs one row matching both; input-object variables; bounded lists")
  void filterSemantics() throws Exception {
    KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    JsonObject env = new JsonObject(envelope(witnessStatement("s", "5".repeat(64), "build"), key,
        "a"));
    env.getJsonArray("signatures").add(new JsonObject().put("keyid", "b")
        .put("sig", env.getJsonArray("signatures").getJsonObject(0).getString("sig")));
    String gitoid = upload("/upload", env.encode()).json().getString("gitoid");
    JsonObject both = graphql("{ dsses(where: {hasSignaturesWith: [{keyID: \"a\"}, "
        + "{keyID: \"b\"}]}) { totalCount } }", new JsonObject());
    assertEquals(0, both.getJsonObject("data").getJsonObject("dsses").getInteger("totalCount"),
        "no one signature has both key ids: " + both.encode());
    JsonObject either = graphql("{ dsses(where: {hasSignaturesWith: {keyID: \"b\"}}) "
        + "{ totalCount } }", new JsonObject());
    assertEquals(1, either.getJsonObject("data").getJsonObject("dsses").getInteger("totalCount"));

    JsonObject byVariable = graphql("query($w: DsseWhereInput) { dsses(where: $w) "
        + "{ totalCount } }", new JsonObject().put("w", new JsonObject()
            .put("hasStatementWith", new JsonObject().put("hasSubjectsWith", new JsonObject()
                .put("name", "s")))));
    assertNull(byVariable.getValue("errors"), byVariable.encode());
    assertEquals(1, byVariable.getJsonObject("data").getJsonObject("dsses")
        .getInteger("totalCount"));

    JsonArray many = new JsonArray();
    for (int i = 0; i < 1001; i++) {
      many.add("v" + i);
    }
    JsonObject tooMany = graphql("query($v: [String!]) { dsses(where: {gitoidSha256In: $v}) "
        + "{ totalCount } }", new JsonObject().put("v", many));
    assertTrue(tooMany.getJsonArray("errors").getJsonObject(0).getString("message")
        .contains("1000"), tooMany.encode());
    assertEquals(gitoid, graphql("{ dsses { edges { node { gitoidSha256 } } } }",
        new JsonObject()).getJsonObject("data").getJsonObject("dsses").getJsonArray("edges")
        .getJsonObject(0).getJsonObject("node").getString("gitoidSha256"));
  }

  @Test
  @DisplayName("retention and holds apply: an expired attestation can be deleted (then 410 and gone from the search), a held one cannot")
  void retentionAndHolds() {
    String kept = darnitStatement("acme/kept", "1".repeat(40));
    String expired = darnitStatement("acme/gone", "2".repeat(40));
    JsonObject keptRef = upload("/upload", kept).json();
    JsonObject goneRef = upload("/upload", expired).json();
    assertEquals("transient", http.get("/v1/packages/" + goneRef.getString("package_id")).json()
        .getString("retention_class"));
    assertEquals(201, http.postJson("/v1/packages/" + keptRef.getString("package_id")
        + "/holds", "{\"reason\":\"incident 7\"}").status());
    clock.advance(java.time.Duration.ofDays(8));
    assertEquals(409, http.send("DELETE", "/v1/packages/" + keptRef.getString("package_id")
        + "?reason=expired", HttpRequest.BodyPublishers.noBody()).status());
    assertEquals(200, http.send("DELETE", "/v1/packages/" + goneRef.getString("package_id")
        + "?reason=expired", HttpRequest.BodyPublishers.noBody()).status());
    assertCode(http.get("/download/" + goneRef.getString("gitoid")), 410, "package_deleted");
    assertEquals(200, http.get("/download/" + keptRef.getString("gitoid")).status());
    JsonObject all = graphql("{ dsses { totalCount edges { node { gitoidSha256 } } } }",
        new JsonObject());
    assertEquals(1, all.getJsonObject("data").getJsonObject("dsses").getInteger("totalCount"));
    // The same bytes again, once deleted, are stored anew in a new package.
    JsonObject again = upload("/upload", expired).json();
    assertEquals(goneRef.getString("gitoid"), again.getString("gitoid"));
    assertTrue(!goneRef.getString("package_id").equals(again.getString("package_id")));
    assertEquals(200, http.get("/download/" + again.getString("gitoid")).status());
    assertEquals(keptRef.getString("gitoid"), all.getJsonObject("data").getJsonObject("dsses")
        .getJsonArray("edges").getJsonObject(0).getJsonObject("node").getString("gitoidSha256"));
  }

  @Test
  @DisplayName("bad input: not JSON, broken envelopes, no Content-Length, bad or unknown gitoids, unsupported GraphQL; nothing stored, no 5xx")
  void badInput() {
    long events = http.get("/v1/events?limit=1000").json().getJsonArray("items").size();
    assertCode(upload("/upload", "{\"not\": json}"), 400, "invalid_json");
    assertCode(upload("/upload", "{\"a\":1} {\"b\":2}"), 400, "invalid_json");
    assertCode(upload("/upload", "{\"a\":"), 400, "invalid_json");
    assertCode(upload("/upload", ""), 400, "invalid_json");
    assertCode(upload("/upload", "{\"payloadType\":\"x\",\"payload\":\"%%%\",\"signatures\":[]}"),
        400, "invalid_envelope");
    assertCode(upload("/upload", "{\"payloadType\":\"x\",\"signatures\":[]}"),
        400, "invalid_envelope");
    assertCode(upload("/upload", "{\"payloadType\":\"x\",\"payload\":\"e30=\","
        + "\"signatures\":[{\"keyid\":\"k\"}]}"), 400, "invalid_envelope");
    assertCode(upload("/upload", "{\"payloadType\":\"x\",\"payload\":\"e30=\","
        + "\"signatures\":\"none\"}"), 400, "invalid_envelope");
    assertEquals(events, http.get("/v1/events?limit=1000").json().getJsonArray("items").size(),
        "refused uploads record nothing");

    assertCode(upload("/upload", "{\"pad\":\"" + "x".repeat(70_000) + "\"}"), 413,
        "body_too_large");
    Http.Response chunked = http.send("POST", "/upload", HttpRequest.BodyPublishers.ofInputStream(
        () -> new java.io.ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8))),
        "Content-Type", "application/json");
    assertCode(chunked, 411, "length_required");
    assertCode(http.get("/download/" + "0".repeat(64)), 404, "attestation_not_found");
    assertCode(http.get("/download/not-a-gitoid"), 400, "invalid_gitoid");
    assertCode(http.get("/v1/download/" + "A".repeat(64)), 400, "invalid_gitoid");

    JsonObject unsupported = graphql("{ attestationPolicies { edges { node { id } } } }",
        new JsonObject());
    assertTrue(unsupported.getJsonArray("errors").size() > 0, unsupported.encode());
    JsonObject syntax = graphql("{ dsses(where: ", new JsonObject());
    assertTrue(syntax.getJsonArray("errors").size() > 0, syntax.encode());
    JsonObject paging = graphql("{ dsses(last: 1) { totalCount } }", new JsonObject());
    assertTrue(paging.getJsonArray("errors").getJsonObject(0).getString("message")
        .contains("last"), paging.encode());
  }

  private static void assertCode(Http.Response r, int status, String code) {
    assertEquals(status, r.status(), r.text());
    assertEquals(code, r.errorCode(), r.text());
  }
}
