package io.artifactstore.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Canonical JSON by the JSON Canonicalization Scheme, RFC 8785 (JCS): object members sorted by
 * the UTF-16 code units of their names, no insignificant whitespace, strings with the minimal
 * escapes of section 3.2.2.2, numbers in the ECMAScript form of section 3.2.2.3 (so {@code 1e2},
 * {@code 100.0} and {@code 100} are all {@code 100}), UTF-8. The same value always gives the
 * same bytes, in any language with a JCS implementation, so digests over it can be checked
 * anywhere.
 *
 * <p>JCS numbers are IEEE 754 doubles (I-JSON, RFC 7493): an integer beyond 2^53 in magnitude
 * becomes the nearest double. Inputs that must not change (package metadata) are checked
 * with {@link #requireIJsonNumbers} when they are received.
 */
public final class CanonicalJson {

  /** The largest integer every double can hold exactly (RFC 7493 section 2.2). */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private CanonicalJson() {}

  /** The JCS form of {@code value} ({@code {}} for null). */
  public static String encode(JsonObject value) {
    JsonObject v = value == null ? new JsonObject() : value;
    try {
      return new JsonCanonicalizer(v.encode()).getEncodedString();
    } catch (IOException e) {
      throw new IllegalArgumentException("value cannot be canonicalized: " + e.getMessage(), e);
    }
  }

  public static byte[] encodeBytes(JsonObject value) {
    return encode(value).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Fails ({@link IllegalArgumentException}) on numbers JCS would change: integers beyond 2^53
   * in magnitude, non-finite or out-of-range decimals.
   */
  public static void requireIJsonNumbers(Object value) {
    if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        requireIJsonNumbers(e.getValue());
      }
    } else if (value instanceof JsonArray a) {
      a.forEach(CanonicalJson::requireIJsonNumbers);
    } else if (value instanceof Map<?, ?> m) {
      m.values().forEach(CanonicalJson::requireIJsonNumbers);
    } else if (value instanceof Iterable<?> l) {
      l.forEach(CanonicalJson::requireIJsonNumbers);
    } else if (value instanceof Number n && !exact(n)) {
      throw new IllegalArgumentException("the number " + n + " has no exact IEEE 754 double "
          + "form; canonical JSON (RFC 8785) keeps integers within +/-(2^53-1)");
    }
  }

  /** Whether JCS keeps {@code n} as it is (see {@link #requireIJsonNumbers}). */
  public static boolean isExact(Number n) {
    return exact(n);
  }

  private static boolean exact(Number n) {
    if (n instanceof BigDecimal b) {
      // The decimal a double would be written back as must be the same number.
      double d = b.doubleValue();
      return Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(b) == 0;
    }
    if (n instanceof Double || n instanceof Float) {
      // Already a double: its text, and whether it said more than a double holds, is gone;
      // the HTTP layer checks the text (Requests.jsonBody).
      return Double.isFinite(n.doubleValue());
    }
    if (n instanceof BigInteger b) {
      return b.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) <= 0;
    }
    long v = n.longValue();
    return v >= -MAX_SAFE_INTEGER && v <= MAX_SAFE_INTEGER;
  }
}
