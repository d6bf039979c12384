package io.artifactstore.registry;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Package ids are UUIDv7 (RFC 9562): time-ordered, so listing by id is listing by creation time,
 * and unguessable in their random part.
 */
public final class PackageIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern FORM =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  private PackageIds() {}

  public static String next(Clock clock) {
    long millis = clock.millis();
    long randA = RANDOM.nextInt(1 << 12);
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /** Whether {@code id} has the form of a package id (it may still not exist). */
  public static boolean isWellFormed(String id) {
    return id != null && FORM.matcher(id).matches();
  }
}
