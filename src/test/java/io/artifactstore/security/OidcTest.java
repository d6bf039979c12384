package io.artifactstore.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * OIDC bearer tokens: JWTs signed here (with the JDK, independently of the server's JWT
 * library) by keys this test publishes from its own JWKS endpoint on 127.0.0.1. Valid tokens
 * map to roles and a producer scope by the configured claim rules; every kind of bad token is
 * 401 invalid_token and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OidcTest {

  private static final String ISSUER = "https://ci.example";
  private static final String AUDIENCE = "artifact-store";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  Vertx jwksVertx;
  HttpServer jwksServer;
  final List<JsonObject> published = new ArrayList<>();
  KeyPair rsa;
  KeyPair ec;
  KeyPair unpublished;
  KeyPair rotated;
  TestServer server;
  Http http;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
    rsaGen.initialize(2048);
    rsa = rsaGen.generateKeyPair();
    unpublished = rsaGen.generateKeyPair();
    rotated = rsaGen.generateKeyPair();
    KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
    ecGen.initialize(new ECGenParameterSpec("secp256r1"));
    ec = ecGen.generateKeyPair();
    published.add(rsaJwk("rsa-1", (RSAPublicKey) rsa.getPublic()));
    published.add(ecJwk("ec-1", (ECPublicKey) ec.getPublic()));

    jwksVertx = Vertx.vertx();
    jwksServer = jwksVertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/unloadable")) {
        // An RSA key labelled ES256: the JWT module cannot load it.
        req.response().end(new JsonObject().put("keys", new JsonArray().add(
            rsaJwk("bad", (RSAPublicKey) rsa.getPublic()).put("alg", "ES256"))).encode());
        return;
      }
      JsonObject body;
      synchronized (published) {
        body = new JsonObject().put("keys", new JsonArray(new ArrayList<>(published)));
      }
      req.response().putHeader("Content-Type", "application/jwk-set+json").end(body.encode());
    }).listen(0, "127.0.0.1").await();

    server = TestServer.start(TestDatabases.Kind.SQLITE, dir, json -> json
        .getJsonObject("security").getJsonObject("oidc")
        .put("issuer", ISSUER)
        .put("jwks_url", "http://127.0.0.1:" + jwksServer.actualPort() + "/jwks")
        .put("audience", AUDIENCE)
        .put("algorithms", "RS256,ES256")
        .put("rules", new JsonObject()
            .put("acme-ci", new JsonObject()
                .put("claims", new JsonObject().put("repository_owner", "acme"))
                .put("roles", "producer")
                .put("producer_scope", "ci/{repository}"))
            .put("auditors", new JsonObject()
                .put("claims", new JsonObject().put("team", "audit*"))
                .put("roles", "reader"))));
    http = new Http(server.baseUrl());
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (jwksVertx != null) {
      jwksVertx.close().await();
    }
  }

  static JsonObject rsaJwk(String kid, RSAPublicKey key) {
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig")
        .put("alg", "RS256").put("n", unsigned(key.getModulus()))
        .put("e", unsigned(key.getPublicExponent()));
  }

  static JsonObject ecJwk(String kid, ECPublicKey key) {
    // No "alg": the server infers ES256 from the P-256 curve.
    return new JsonObject().put("kty", "EC").put("kid", kid).put("use", "sig")
        .put("crv", "P-256").put("x", fixed(key.getW().getAffineX(), 32))
        .put("y", fixed(key.getW().getAffineY(), 32));
  }

  static String unsigned(BigInteger n) {
    byte[] b = n.toByteArray();
    return B64.encodeToString(b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b);
  }

  static String fixed(BigInteger n, int length) {
    byte[] b = n.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(b.length, length);
    System.arraycopy(b, b.length - copy, out, length - copy, copy);
    return B64.encodeToString(out);
  }

  static JsonObject claims(String sub, String repository) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", ISSUER).put("aud", AUDIENCE).put("sub", sub)
        .put("iat", now).put("nbf", now - 5).put("exp", now + 600)
        .put("repository_owner", "acme").put("repository", repository);
  }

  static String sign(JsonObject header, JsonObject claims, String jdkAlgorithm, PrivateKey key)
      throws Exception {
    String input = B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    Signature s = Signature.getInstance(jdkAlgorithm);
    s.initSign(key);
    s.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + B64.encodeToString(s.sign());
  }

  String rs256(String kid, KeyPair pair, JsonObject claims) throws Exception {
    return sign(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", kid), claims,
        "SHA256withRSA", pair.getPrivate());
  }

  Http.Response create(String token, String producer) {
    return http.postJson("/v1/packages", "{\"producer\":\"" + producer + "\",\"subject\":\"s\"}",
        "Authorization", "Bearer " + token);
  }

  /** Packages in the store, as an auditor (reader) sees them. */
  long packages() throws Exception {
    String reader = rs256("rsa-1", rsa, claims("auditor", "-").put("repository_owner", "-")
        .put("team", "audit"));
    Http.Response stats = http.get("/v1/stats", "Authorization", "Bearer " + reader);
    assertEquals(200, stats.status(), stats.text());
    return stats.json().getLong("packages");
  }

  @Test
  @DisplayName("a valid RS256 token of the CI maps to producer for ci/<its repository> only; "
      + "the event log names the issuer and subject")
  void claimsBecomeRolesAndScope() throws Exception {
    String token = rs256("rsa-1", rsa, claims("repo:acme/app:ref:refs/heads/main", "acme/app"));
    Http.Response ok = create(token, "ci/acme/app");
    assertEquals(201, ok.status(), ok.text());
    assertEquals("oidc:" + ISSUER + "#repo:acme/app:ref:refs/heads/main",
        ok.json().getString("created_by"));
    Http.Response other = create(token, "ci/acme/other");
    assertEquals(403, other.status(), other.text());
    assertEquals("producer_not_in_scope", other.errorCode());
    JsonObject who = http.get("/v1/identity", "Authorization", "Bearer " + token).json();
    assertEquals("oidc", who.getString("kind"));
    assertEquals(new JsonArray().add("producer"), who.getJsonArray("roles"));
    assertEquals(new JsonArray().add("ci/acme/app"), who.getJsonArray("producer_scope"));
  }

  @Test
  @DisplayName("an ES256 token (a key published without alg) of another rule gets that rule's "
      + "role; a token no rule matches gets none")
  void es256AndRules() throws Exception {
    JsonObject c = claims("auditor-1", "acme/app").put("repository_owner", "someone-else")
        .put("team", "audit-eu");
    String token = sign(new JsonObject().put("alg", "ES256").put("kid", "ec-1"), c,
        "SHA256withECDSAinP1363Format", ec.getPrivate());
    Http.Response list = http.get("/v1/packages", "Authorization", "Bearer " + token);
    assertEquals(200, list.status(), list.text());
    Http.Response write = create(token, "ci/acme/app");
    assertEquals(403, write.status(), write.text());
    String nobody = rs256("rsa-1", rsa, claims("x", "y").put("repository_owner", "other"));
    assertEquals(403, http.get("/v1/packages", "Authorization", "Bearer " + nobody).status());
  }

  @Test
  @DisplayName("alg none, HMAC with the public key, a disallowed algorithm, wrong issuer or "
      + "audience, expired, not yet valid, unknown key, altered claims, no sub: 401 each, "
      + "nothing created")
  void badTokensRefused() throws Exception {
    long before = packages();
    long now = System.currentTimeMillis() / 1000;
    JsonObject good = claims("s", "acme/app");
    List<String[]> bad = new ArrayList<>();
    String unsigned = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "."
        + B64.encodeToString(good.encode().getBytes()) + ".";
    bad.add(new String[] {"alg none", unsigned});
    String hsInput = B64.encodeToString("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}".getBytes()) + "."
        + B64.encodeToString(good.encode().getBytes());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(rsa.getPublic().getEncoded(), "HmacSHA256"));
    bad.add(new String[] {"HS256 keyed with the public key", hsInput + "."
        + B64.encodeToString(mac.doFinal(hsInput.getBytes(StandardCharsets.US_ASCII)))});
    bad.add(new String[] {"RS512, not allowed", sign(new JsonObject().put("alg", "RS512")
        .put("kid", "rsa-1"), good, "SHA512withRSA", rsa.getPrivate())});
    bad.add(new String[] {"wrong issuer", rs256("rsa-1", rsa, good.copy()
        .put("iss", "https://evil.example"))});
    bad.add(new String[] {"wrong audience", rs256("rsa-1", rsa, good.copy()
        .put("aud", "another-service"))});
    bad.add(new String[] {"expired", rs256("rsa-1", rsa, good.copy().put("iat", now - 4000)
        .put("nbf", now - 4000).put("exp", now - 600))});
    bad.add(new String[] {"not yet valid", rs256("rsa-1", rsa, good.copy()
        .put("nbf", now + 3600))});
    bad.add(new String[] {"unknown key", rs256("rsa-9", unpublished, good)});
    bad.add(new String[] {"published kid, other key", rs256("rsa-1", unpublished, good)});
    String real = rs256("rsa-1", rsa, good);
    String[] parts = real.split("\\.");
    String altered = parts[0] + "." + B64.encodeToString(good.copy()
        .put("repository", "acme/everything").encode().getBytes()) + "." + parts[2];
    bad.add(new String[] {"altered claims", altered});
    JsonObject noSub = good.copy();
    noSub.remove("sub");
    bad.add(new String[] {"no sub", rs256("rsa-1", rsa, noSub)});
    bad.add(new String[] {"not base64", "a.b.c"});
    bad.add(new String[] {"no signature", real.substring(0, real.lastIndexOf('.') + 1)});
    for (String[] b : bad) {
      Http.Response r = create(b[1], "ci/acme/app");
      assertEquals(401, r.status(), b[0] + ": " + r.text());
      assertEquals("invalid_token", r.errorCode(), b[0]);
      assertTrue(r.header("WWW-Authenticate").contains("error=\"invalid_token\""), b[0]);
    }
    assertEquals(before, packages(), "nothing was created");
  }

  @Test
  @DisplayName("a key set none of whose keys loads: signed tokens are 503 oidc_unavailable, "
      + "unsigned ones 401; never accepted")
  void noUsableKeys(@TempDir Path other) throws Exception {
    try (TestServer s = TestServer.start(TestDatabases.Kind.SQLITE, other, json -> json
        .getJsonObject("security").getJsonObject("oidc")
        .put("issuer", ISSUER)
        .put("jwks_url", "http://127.0.0.1:" + jwksServer.actualPort() + "/unloadable")
        .put("audience", AUDIENCE)
        .put("rules", new JsonObject().put("all", new JsonObject()
            .put("claims", new JsonObject().put("repository_owner", "*"))
            .put("roles", "admin"))))) {
      Http h = new Http(s.baseUrl());
      String token = rs256("bad", rsa, claims("s", "acme/app"));
      String unsigned = token.substring(0, token.lastIndexOf('.') + 1);
      Http.Response r = h.get("/v1/identity", "Authorization", "Bearer " + token);
      assertEquals(503, r.status(), r.text());
      assertEquals("oidc_unavailable", r.errorCode());
      Http.Response u = h.get("/v1/identity", "Authorization", "Bearer " + unsigned);
      assertEquals(401, u.status(), u.text());
    }
  }

  // First: a token naming an unknown key refetches the key set at most once per 30 s, and
  // badTokensRefused sends one.
  @Test
  @Order(1)
  @DisplayName("a key the issuer publishes after startup is fetched when a token names it")
  void rotatedKeyFetchedOnDemand() throws Exception {
    synchronized (published) {
      published.add(rsaJwk("rsa-2", (RSAPublicKey) rotated.getPublic()));
    }
    String token = rs256("rsa-2", rotated, claims("rotated", "acme/rot"));
    Http.Response r = create(token, "ci/acme/rot");
    assertEquals(201, r.status(), r.text());
    assertNotNull(r.json().getString("id"));
  }
}
