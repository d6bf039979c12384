package io.artifactstore.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * The format of API token secrets: {@code arst_} followed by 43 base64url characters (256
 * random bits from {@link SecureRandom}) and 6 more holding the CRC-32 of those bits, 54
 * characters in all. The fixed prefix and length let secret scanners find a leaked token, and
 * the checksum lets them (and the server) tell a token from a random string without asking
 * anyone. The server stores only the SHA-256 of the whole secret.
 */
public final class ApiTokens {

  /** The prefix of every secret. */
  public static final String PREFIX = "arst_";
  private static final int RANDOM_BYTES = 32;
  private static final int BODY_CHARS = 43;
  private static final int CHECK_CHARS = 6;
  /** The length of a secret, prefix included. */
  public static final int LENGTH = PREFIX.length() + BODY_CHARS + CHECK_CHARS;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private ApiTokens() {}

  /** A new secret. */
  public static String newSecret() {
    byte[] random = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(random);
    return PREFIX + B64.encodeToString(random) + check(random);
  }

  /** A new token id: {@code tok_} and 20 lowercase hex digits; not secret. */
  public static String newId() {
    byte[] random = new byte[10];
    RANDOM.nextBytes(random);
    return "tok_" + HexFormat.of().formatHex(random);
  }

  /**
   * True when {@code secret} has the shape of a secret and its checksum holds; says nothing of
   * whether the server issued it.
   */
  public static boolean wellFormed(String secret) {
    if (secret == null || secret.length() != LENGTH || !secret.startsWith(PREFIX)) {
      return false;
    }
    String body = secret.substring(PREFIX.length(), PREFIX.length() + BODY_CHARS);
    byte[] random;
    try {
      random = B64D.decode(body);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (random.length != RANDOM_BYTES || !B64.encodeToString(random).equals(body)) {
      return false;
    }
    return MessageDigest.isEqual(check(random).getBytes(StandardCharsets.US_ASCII),
        secret.substring(PREFIX.length() + BODY_CHARS).getBytes(StandardCharsets.US_ASCII));
  }

  /** The SHA-256 of {@code secret} in lowercase hex: what the server stores and looks up. */
  public static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Compares two hashes in time independent of where they differ. */
  public static boolean sameHash(String a, String b) {
    return a != null && b != null && MessageDigest.isEqual(
        a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  private static String check(byte[] random) {
    CRC32 crc = new CRC32();
    crc.update(random);
    long v = crc.getValue();
    byte[] four = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    return B64.encodeToString(four);
  }
}
