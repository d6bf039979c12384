package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.MultiMap;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Digests a client sends with an upload: {@code X-Checksum-Sha256: <hex>} and the RFC 9530
 * {@code Content-Digest} / {@code Repr-Digest} dictionaries. Only sha-256 is checked; other
 * algorithms in a dictionary are ignored. Malformed headers, or headers that disagree with each
 * other, are {@code invalid_digest_header}.
 */
final class DigestHeaders {

  static final String X_CHECKSUM_SHA256 = "X-Checksum-Sha256";
  static final String CONTENT_DIGEST = "Content-Digest";
  static final String REPR_DIGEST = "Repr-Digest";

  private DigestHeaders() {}

  /** The SHA-256 the client expects, or null when it sent none. */
  static byte[] expectedSha256(MultiMap headers) {
    byte[] expected = null;
    String hex = headers.get(X_CHECKSUM_SHA256);
    if (hex != null) {
      String h = hex.trim().toLowerCase(Locale.ROOT);
      if (!h.matches("[0-9a-f]{64}")) {
        throw invalid(X_CHECKSUM_SHA256 + " must be 64 hex characters");
      }
      expected = HexFormat.of().parseHex(h);
    }
    for (String name : new String[] {CONTENT_DIGEST, REPR_DIGEST}) {
      for (String value : headers.getAll(name)) {
        byte[] d = sha256FromDictionary(name, value);
        if (d != null) {
          if (expected != null && !Arrays.equals(expected, d)) {
            throw invalid("the digest headers disagree with each other");
          }
          expected = d;
        }
      }
    }
    return expected;
  }

  /** Parses {@code alg=:base64:, ...}; returns the sha-256 member or null. */
  private static byte[] sha256FromDictionary(String name, String value) {
    byte[] found = null;
    for (String member : value.split(",")) {
      String m = member.trim();
      if (m.isEmpty()) {
        continue;
      }
      int eq = m.indexOf('=');
      if (eq <= 0) {
        throw invalid(name + " must be a dictionary like sha-256=:<base64>:");
      }
      String alg = m.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String v = m.substring(eq + 1).trim();
      int semicolon = v.indexOf(';');
      if (semicolon >= 0) {
        v = v.substring(0, semicolon).trim();
      }
      if (v.length() < 2 || v.charAt(0) != ':' || v.charAt(v.length() - 1) != ':') {
        throw invalid(name + " values must be byte sequences, :<base64>:");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(v.substring(1, v.length() - 1));
      } catch (IllegalArgumentException e) {
        throw invalid(name + " has invalid base64");
      }
      if (alg.equals("sha-256")) {
        if (bytes.length != 32) {
          throw invalid(name + " sha-256 must be 32 bytes");
        }
        found = bytes;
      }
    }
    return found;
  }

  private static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_DIGEST_HEADER, message);
  }
}
