package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One byte range of a representation of known size, from a {@code Range} request header
 * (RFC 9110 sections 14.1.1, 14.1.2 and 14.2).
 *
 * <p>{@link #parse} decides what a GET does with the header:
 * <ul>
 *   <li>no header, a range unit other than {@code bytes}, or several ranges: the whole
 *       representation ({@code null}); a server must ignore a unit it does not understand and
 *       may ignore any Range;</li>
 *   <li>one satisfiable range ({@code a-b}, {@code a-}, {@code -n}): that range, with
 *       {@code last-pos} and {@code suffix-length} clamped to the size;</li>
 *   <li>one range that is not satisfiable (first position at or past the end, or a suffix of
 *       zero): {@code range_not_satisfiable} (416);</li>
 *   <li>a {@code bytes} header that is not a valid ranges-specifier (no digits, a last position
 *       below the first, a sign, a third form): {@code invalid_range} (400), which section 14.2
 *       allows ("MAY ignore or reject").</li>
 * </ul>
 * Positions of any number of digits are accepted: they are compared as numerals, never
 * converted with overflow (section 14.1.1). Content of zero length has no satisfiable
 * {@code int-range}; a non-zero suffix of it is satisfiable but names no byte, and is answered
 * with the whole (empty) representation, as a 206 cannot describe an empty range.
 */
record ByteRange(long offset, long length) {

  ByteRange {
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException("a byte range names at least one byte");
    }
  }

  long last() {
    return offset + length - 1;
  }

  /** The {@code Content-Range} value of this range (section 14.4). */
  String contentRange(long size) {
    return "bytes " + offset + "-" + last() + "/" + size;
  }

  /** The {@code Content-Range} value of a 416 answer: {@code bytes *}{@code /size}. */
  static String unsatisfied(long size) {
    return "bytes */" + size;
  }

  /** The range to send, or null for the whole representation; see the class comment. */
  static ByteRange parse(String header, long size) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    int eq = h.indexOf('=');
    if (eq < 0 || !h.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
      return null;
    }
    List<Spec> specs = new ArrayList<>();
    for (String element : h.substring(eq + 1).split(",", -1)) {
      String e = element.trim();
      if (!e.isEmpty()) {
        specs.add(Spec.parse(e));
      }
    }
    if (specs.isEmpty()) {
      throw malformed(h);
    }
    if (specs.size() > 1) {
      return null;
    }
    Spec spec = specs.get(0);
    if (!spec.satisfiable(size)) {
      throw new ApiException(ErrorCode.RANGE_NOT_SATISFIABLE, "the range " + spec.text
          + " does not overlap the " + size + " bytes of the content");
    }
    return size == 0 ? null : spec.resolve(size);
  }

  /** One range-spec: an int-range ({@code first} set) or a suffix-range. */
  private record Spec(String text, String first, String last, String suffix) {

    static Spec parse(String text) {
      int dash = text.indexOf('-');
      if (dash < 0 || text.indexOf('-', dash + 1) >= 0) {
        throw malformed(text);
      }
      String first = text.substring(0, dash).trim();
      String last = text.substring(dash + 1).trim();
      if (first.isEmpty()) {
        return new Spec(text, null, null, digits(last, text));
      }
      String f = digits(first, text);
      if (last.isEmpty()) {
        return new Spec(text, f, null, null);
      }
      String l = digits(last, text);
      if (compare(l, f) < 0) {
        throw malformed(text);
      }
      return new Spec(text, f, l, null);
    }

    boolean satisfiable(long size) {
      return first == null ? !suffix.equals("0") : compare(first, Long.toString(size)) < 0;
    }

    ByteRange resolve(long size) {
      if (first == null) {
        long n = Math.min(saturated(suffix), size);
        return new ByteRange(size - n, n);
      }
      long from = Long.parseLong(first);
      long to = last == null ? size - 1 : Math.min(saturated(last), size - 1);
      return new ByteRange(from, to - from + 1);
    }
  }

  /** Digits without leading zeros ({@code "0"} for zero); anything else is malformed. */
  private static String digits(String s, String spec) {
    if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw malformed(spec);
    }
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }

  /** Compares two numerals without leading zeros, of any length. */
  private static int compare(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  private static long saturated(String numeral) {
    return compare(numeral, Long.toString(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE
        : Long.parseLong(numeral);
  }

  private static ApiException malformed(String spec) {
    return new ApiException(ErrorCode.INVALID_RANGE, "malformed byte range '" + spec + "'");
  }
}
