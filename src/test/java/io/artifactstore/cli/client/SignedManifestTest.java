package io.artifactstore.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.attestations.Dsse;
import io.artifactstore.attestations.ManifestStatement;
import io.artifactstore.attestations.SignedManifests;
import io.artifactstore.attestations.SigningKeys;
import io.artifactstore.attestations.TrustedKeys;
import io.artifactstore.support.Http;
import io.artifactstore.support.Processes;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finalize signs the manifest as an in-toto Statement in a DSSE envelope; anyone with the
 * public key checks it offline (openssl here, and the CLI's {@code verify --key}); keys rotate
 * and what a retired key signed still verifies.
 */
class SignedManifestTest {

  @TempDir Path dir;

  private static String finalizedPackage(Http http, String... files) {
    String id = http.postJson("/v1/packages", "{\"producer\":\"ci\",\"subject\":\"s\"}").json()
        .getString("id");
    for (String f : files) {
      assertEquals(201, http.put("/v1/packages/" + id + "/files/" + f,
          ("content of " + f).getBytes(StandardCharsets.UTF_8)).status());
    }
    assertEquals(200, http.postJson("/v1/packages/" + id + "/finalize", "{}").status());
    return id;
  }

  @Test
  @DisplayName("the signed manifest verifies with the published key, by openssl over the DSSE PAE and by verify --key; a tampered one does not")
  void signedAndVerifiedOffline() throws Exception {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("s"))) {
      Http http = new Http(server.baseUrl());
      String id = finalizedPackage(http, "a.txt", "dir/b.bin");
      JsonArray keys = http.get("/v1/keys").json().getJsonArray("keys");
      assertEquals(1, keys.size());
      assertTrue(keys.getJsonObject(0).getBoolean("current"));
      Path pem = Files.writeString(dir.resolve("server.pem"),
          keys.getJsonObject(0).getString("public_key"));

      Http.Response signed = http.get("/v1/packages/" + id + "/manifest.intoto.json");
      assertEquals(200, signed.status(), signed.text());
      assertEquals("application/vnd.dsse.envelope.v1+json", signed.header("Content-Type"));
      JsonObject envelope = signed.json();
      assertEquals(keys.getJsonObject(0).getString("keyid"), envelope.getJsonArray("signatures")
          .getJsonObject(0).getString("keyid"));

      // openssl, knowing nothing of artifact-store, checks the Ed25519 signature over the PAE.
      byte[] payload = Base64.getDecoder().decode(envelope.getString("payload"));
      Path pae = Files.write(dir.resolve("pae.bin"),
          Dsse.pae(envelope.getString("payloadType"), payload));
      Path sig = Files.write(dir.resolve("sig.bin"), Base64.getDecoder().decode(
          envelope.getJsonArray("signatures").getJsonObject(0).getString("sig")));
      String[] openssl = Processes.run(dir, "openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
          pem.toString(), "-rawin", "-in", pae.toString(), "-sigfile", sig.toString());
      assertEquals("0", openssl[0], openssl[1]);
      JsonObject statement = new JsonObject(new String(payload, StandardCharsets.UTF_8));
      assertEquals(ManifestStatement.PREDICATE_TYPE, statement.getString("predicateType"));
      assertEquals(3, statement.getJsonArray("subject").size(), "two files and the manifest");
      assertEquals(http.get("/v1/packages/" + id).json().getString("manifest_digest"),
          statement.getJsonObject("predicate").getString("manifest_digest"));

      CliRunner.Run ok = CliRunner.run("verify", id, "--key", pem.toString(), "--server",
          server.baseUrl());
      assertEquals(0, ok.code(), ok.out() + ok.err());

      // A Statement changed after signing (another file digest) no longer verifies.
      JsonObject forged = statement.copy();
      forged.getJsonArray("subject").getJsonObject(0).getJsonObject("digest")
          .put("sha256", "0".repeat(64));
      byte[] forgedEnvelope = envelope.copy().put("payload", Base64.getEncoder().encodeToString(
          forged.encode().getBytes(StandardCharsets.UTF_8))).encode()
          .getBytes(StandardCharsets.UTF_8);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SignedManifests.verify(forgedEnvelope, TrustedKeys.parsePem(Files.readString(pem))));
      assertTrue(e.getMessage().contains("signature"), e.getMessage());

      // Another key does not verify it: verify --key exits 1.
      Path other = Files.writeString(dir.resolve("other.pem"), "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getEncoder().encodeToString(java.security.KeyPairGenerator
              .getInstance("Ed25519").generateKeyPair().getPublic().getEncoded())
          + "\n-----END PUBLIC KEY-----\n");
      CliRunner.Run refused = CliRunner.run("verify", id, "--key", other.toString(),
          "--server", server.baseUrl());
      assertEquals(1, refused.code(), refused.out() + refused.err());
      assertTrue(refused.err().contains("no signature"), refused.err());
    }
  }

  @Test
  @DisplayName("after rotate-signing-key and a restart, new manifests are signed by the new key; the retired one stays published and its envelopes still verify")
  void rotation() throws Exception {
    Path serverDir = dir.resolve("s");
    String oldId;
    String oldPackage;
    String database;
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, serverDir)) {
      database = server.config().database().url();
      Http http = new Http(server.baseUrl());
      oldPackage = finalizedPackage(http, "x");
      oldId = http.get("/v1/keys").json().getJsonArray("keys").getJsonObject(0)
          .getString("keyid");
    }
    String newId = SigningKeys.rotate(serverDir.resolve("signing-keys"), Clock.systemUTC());
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, serverDir,
        json -> json.getJsonObject("database").put("url", database))) {
      Http http = new Http(server.baseUrl());
      JsonArray keys = http.get("/v1/keys").json().getJsonArray("keys");
      assertEquals(newId, keys.getJsonObject(0).getString("keyid"));
      assertTrue(keys.getJsonObject(0).getBoolean("current"));
      assertEquals(oldId, keys.getJsonObject(1).getString("keyid"));
      assertFalse(keys.getJsonObject(1).getBoolean("current"));
      String newPackage = finalizedPackage(http, "y");
      assertEquals(newId, http.get("/v1/packages/" + newPackage + "/manifest.intoto.json").json()
          .getJsonArray("signatures").getJsonObject(0).getString("keyid"));
      byte[] old = http.get("/v1/packages/" + oldPackage + "/manifest.intoto.json").body();
      SignedManifests.Verified v = SignedManifests.verify(old,
          TrustedKeys.parsePem(keys.getJsonObject(1).getString("public_key")));
      assertEquals(oldId, v.keyid());
      assertThrows(IllegalArgumentException.class, () -> SignedManifests.verify(old,
          TrustedKeys.parsePem(keys.getJsonObject(0).getString("public_key"))));
    }
  }

  @Test
  @DisplayName("without a signing key, finalize still works and the signed manifest is 404 manifest_not_signed")
  void unsigned() {
    try (TestServer server = TestServer.start(TestDatabases.Kind.SQLITE, dir.resolve("u"),
        json -> json.getJsonObject("attestations").put("signing_keys_file", ""))) {
      Http http = new Http(server.baseUrl());
      String id = finalizedPackage(http, "x");
      Http.Response r = http.get("/v1/packages/" + id + "/manifest.intoto.json");
      assertEquals(404, r.status());
      assertEquals("manifest_not_signed", r.errorCode());
      assertEquals(0, http.get("/v1/keys").json().getJsonArray("keys").size());
    }
  }
}
