package io.artifactstore.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.SecretScanner;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The secret format, its checksum, and the log scanner that looks for it. */
class ApiTokensTest {

  @Test
  @DisplayName("a secret is arst_, 256 random bits and a CRC-32 checksum; one altered character "
      + "breaks it")
  void format() {
    String a = ApiTokens.newSecret();
    String b = ApiTokens.newSecret();
    assertNotEquals(a, b);
    assertEquals(54, a.length());
    assertTrue(a.startsWith("arst_"));
    assertTrue(ApiTokens.wellFormed(a));
    for (int i = 5; i < a.length(); i++) {
      char c = a.charAt(i);
      String altered = a.substring(0, i) + (c == 'A' ? 'B' : 'A') + a.substring(i + 1);
      assertFalse(ApiTokens.wellFormed(altered), "altered at " + i);
    }
    assertFalse(ApiTokens.wellFormed(a.substring(0, 53)));
    assertFalse(ApiTokens.wellFormed("ghp_" + a.substring(4)));
    assertTrue(ApiTokens.hash(a).matches("[0-9a-f]{64}"));
    assertTrue(ApiTokens.sameHash(ApiTokens.hash(a), ApiTokens.hash(a)));
    assertFalse(ApiTokens.sameHash(ApiTokens.hash(a), ApiTokens.hash(b)));
  }

  @Test
  @DisplayName("the log scanner finds a secret in any text, and nothing in look-alikes")
  void scanner() {
    String secret = ApiTokens.newSecret();
    assertEquals(List.of(secret), SecretScanner.secretsIn("Authorization: Bearer " + secret
        + " failed"));
    String lookAlike = secret.substring(0, 20) + (secret.charAt(20) == 'x' ? 'y' : 'x')
        + secret.substring(21);
    assertEquals(List.of(), SecretScanner.secretsIn("token " + lookAlike));
  }

  @Test
  @DisplayName("producer scopes: '*' matches any run of characters, everything else itself")
  void scopes() {
    ProducerScope s = ProducerScope.of(List.of("ci/acme/*", "nightly"));
    assertTrue(s.covers("ci/acme/app"));
    assertTrue(s.covers("ci/acme/a/b"));
    assertTrue(s.covers("nightly"));
    assertFalse(s.covers("ci/acme"));
    assertFalse(s.covers("nightly-2"));
    assertFalse(s.covers("ci/acmex/app"));
    assertTrue(ProducerScope.of(List.of("a.b")).covers("a.b"));
    assertFalse(ProducerScope.of(List.of("a.b")).covers("axb"), "a dot is not a wildcard");
    assertFalse(ProducerScope.of(List.of()).covers("x"), "an empty scope covers nothing");
    assertTrue(ProducerScope.ANY.covers("anything"));
  }
}
