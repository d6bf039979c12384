package io.artifactstore.attestations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.Processes;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DSSE signatures made outside the project (an Ed25519 key from Debian's {@code in-toto-keygen},
 * signed with securesystemslib, the in-toto tools' library) are verified against the trusted
 * keys, recorded and queryable; altered payloads and signatures are not verified, and refused
 * when the server requires a trusted signature.
 */
class AttestationSignaturesTest {

  static final String QUERY = "{ dsses { edges { node { gitoidSha256 payloadType "
      + "signatures { keyID verified verifiedBy verificationReason } } } } }";

  @TempDir Path dir;
  Path alicePem;
  Path bobPem;
  String aliceKeyid;
  String signed;
  String bySomeoneElse;

  @BeforeEach
  void keysAndEnvelopes() throws Exception {
    Path script = dir.resolve("sign_dsse.py");
    try (var in = getClass().getResourceAsStream("sign_dsse.py")) {
      Files.write(script, in.readAllBytes());
    }
    for (String who : new String[] {"alice", "bob"}) {
      String[] keygen = Processes.run(dir, "in-toto-keygen", "-t", "ed25519",
          dir.resolve(who).toString());
      assertEquals("0", keygen[0], keygen[1]);
    }
    Path payload = Files.writeString(dir.resolve("statement.json"),
        new JsonObject().put("_type", "https://in-toto.io/Statement/v1")
            .put("subject", new JsonArray().add(new JsonObject().put("name", "app.tar")
                .put("digest", new JsonObject().put("sha256", "cd".repeat(32)))))
            .put("predicateType", "https://slsa.dev/provenance/v1")
            .put("predicate", new JsonObject().put("builder", "ci")).encode());
    String[] alice = Processes.run(dir, "/usr/bin/python3", script.toString(),
        dir.resolve("alice").toString(), payload.toString(), "application/vnd.in-toto+json",
        dir.resolve("alice.dsse.json").toString(), dir.resolve("alice.pem").toString());
    assertEquals("0", alice[0], alice[1]);
    aliceKeyid = alice[1].trim().lines().reduce((a, b) -> b).orElseThrow();
    String[] bob = Processes.run(dir, "/usr/bin/python3", script.toString(),
        dir.resolve("bob").toString(), payload.toString(), "application/vnd.in-toto+json",
        dir.resolve("bob.dsse.json").toString(), dir.resolve("bob.pem").toString());
    assertEquals("0", bob[0], bob[1]);
    alicePem = dir.resolve("alice.pem");
    bobPem = dir.resolve("bob.pem");
    signed = Files.readString(dir.resolve("alice.dsse.json"));
    bySomeoneElse = Files.readString(dir.resolve("bob.dsse.json"));
  }

  private static Http.Response upload(Http http, String body) {
    return http.send("POST", "/upload", HttpRequest.BodyPublishers.ofString(body),
        "Content-Type", "application/json");
  }

  /** {@code envelope} with its payload changed by one byte, the signature left as it was. */
  private static String alteredPayload(String envelope) {
    JsonObject e = new JsonObject(envelope);
    byte[] payload = Base64.getDecoder().decode(e.getString("payload"));
    payload[payload.length - 3] ^= 1;
    return e.put("payload", Base64.getEncoder().encodeToString(payload)).encode();
  }

  /** {@code envelope} with one bit of its signature flipped. */
  private static String alteredSignature(String envelope) {
    JsonObject e = new JsonObject(envelope);
    JsonObject sig = e.getJsonArray("signatures").getJsonObject(0);
    byte[] bytes = Base64.getDecoder().decode(sig.getString("sig"));
    bytes[10] ^= 1;
    sig.put("sig", Base64.getEncoder().encodeToString(bytes));
    return e.encode();
  }

  private static JsonArray signatures(Http http, String gitoid) {
    JsonObject r = http.postJson("/query", new JsonObject().put("query", QUERY).encode()).json();
    assertNull(r.getValue("errors"), r.encode());
    for (Object o : r.getJsonObject("data").getJsonObject("dsses").getJsonArray("edges")) {
      JsonObject node = ((JsonObject) o).getJsonObject("node");
      if (node.getString("gitoidSha256").equals(gitoid)) {
        return node.getJsonArray("signatures");
      }
    }
    throw new AssertionError(gitoid + " not found: " + r.encode());
  }

  @Test
  @DisplayName("recorded and queryable: verified by the trusted key (by its configured id, or tried when the envelope's keyid names none); altered ones not, with why")
  void verdictsRecorded() {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("s1"),
        json -> json.getJsonObject("attestations").put("trusted_keys",
            "alice=" + alicePem + "," + aliceKeyid + "=" + alicePem))) {
      Http http = new Http(server.baseUrl());
      String good = upload(http, signed).json().getString("gitoid");
      JsonObject verdict = signatures(http, good).getJsonObject(0);
      assertEquals(aliceKeyid, verdict.getString("keyID"));
      assertTrue(verdict.getBoolean("verified"), verdict.encode());
      assertEquals(aliceKeyid, verdict.getString("verifiedBy"), "the envelope's key id is used");

      for (String altered : new String[] {alteredPayload(signed), alteredSignature(signed),
          bySomeoneElse}) {
        Http.Response r = upload(http, altered);
        assertEquals(200, r.status(), r.text());
        JsonObject v = signatures(http, r.json().getString("gitoid")).getJsonObject(0);
        assertEquals(false, v.getBoolean("verified"), v.encode());
        assertNull(v.getString("verifiedBy"));
        assertTrue(v.getString("verificationReason").length() > 0, v.encode());
      }
    }
  }

  @Test
  @DisplayName("require_trusted_signature: only an envelope a trusted key signed is stored; the rest are 422 and leave nothing")
  void requireTrusted() {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("s2"),
        json -> json.getJsonObject("attestations").put("trusted_keys", "alice=" + alicePem)
            .put("require_trusted_signature", true))) {
      Http http = new Http(server.baseUrl());
      long events = http.get("/v1/events?limit=1000").json().getJsonArray("items").size();
      String bare = new String(Base64.getDecoder().decode(new JsonObject(signed)
          .getString("payload")), StandardCharsets.UTF_8);
      for (String refused : new String[] {alteredPayload(signed), alteredSignature(signed),
          bySomeoneElse, bare}) {
        Http.Response r = upload(http, refused);
        assertEquals(422, r.status(), r.text());
        assertEquals("signature_not_trusted", r.errorCode());
      }
      assertEquals(events, http.get("/v1/events?limit=1000").json().getJsonArray("items")
          .size(), "refused uploads record nothing");
      Http.Response ok = upload(http, signed);
      assertEquals(200, ok.status(), ok.text());
      JsonObject v = signatures(http, ok.json().getString("gitoid")).getJsonObject(0);
      assertEquals("alice", v.getString("verifiedBy"), "tried with every trusted key");
    }
  }

  @Test
  @DisplayName("a trusted key that is not a public key stops the server at startup, naming the key")
  void badKeyRefusedAtStartup() throws Exception {
    Path notAKey = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN PUBLIC KEY-----\n"
        + "AAAA\n-----END PUBLIC KEY-----\n");
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("s3"),
            json -> json.getJsonObject("attestations").put("trusted_keys", "ops=" + notAKey))
            .close());
    assertTrue(String.valueOf(e.getMessage()).contains("attestations.trusted_keys")
        && e.getMessage().contains("ops"), e.toString());
  }
}
