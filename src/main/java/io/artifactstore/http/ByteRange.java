package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;

/**
 * One byte range of a representation of known size (RFC 9110 section 14). Parses
 * {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n}; a header listing several ranges is
 * answered with the whole representation (a server may ignore Range), a malformed header is
 * {@code invalid_range}, a range that does not overlap the content is
 * {@code range_not_satisfiable}.
 */
record ByteRange(long offset, long length) {

  long last() {
    return offset + length - 1;
  }

  String contentRange(long size) {
    return "bytes " + offset + "-" + last() + "/" + size;
  }

  /** The range asked for, or null for the whole representation. */
  static ByteRange parse(String header, long size) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      throw new ApiException(ErrorCode.INVALID_RANGE, "Range must be bytes=<first>-<last>");
    }
    String spec = h.substring(6).trim();
    if (spec.contains(",")) {
      for (String part : spec.split(",", -1)) {
        parseSpec(part.trim(), Long.MAX_VALUE);
      }
      return null;
    }
    ByteRange r = parseSpec(spec, size);
    if (r == null) {
      throw new ApiException(ErrorCode.RANGE_NOT_SATISFIABLE, "the range " + spec
          + " does not overlap the " + size + " bytes of the content");
    }
    return r;
  }

  /** Null when syntactically valid but unsatisfiable for {@code size}. */
  private static ByteRange parseSpec(String spec, long size) {
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf('-', dash + 1) >= 0) {
      throw malformed(spec);
    }
    String first = spec.substring(0, dash).trim();
    String last = spec.substring(dash + 1).trim();
    if (first.isEmpty()) {
      long suffix = number(last, spec);
      if (suffix == 0 || size == 0) {
        return null;
      }
      long n = Math.min(suffix, size);
      return new ByteRange(size - n, n);
    }
    long from = number(first, spec);
    if (!last.isEmpty()) {
      long to = number(last, spec);
      if (to < from) {
        throw malformed(spec);
      }
      if (from >= size) {
        return null;
      }
      return new ByteRange(from, Math.min(to, size - 1) - from + 1);
    }
    if (from >= size) {
      return null;
    }
    return new ByteRange(from, size - from);
  }

  private static long number(String digits, String spec) {
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
      throw malformed(spec);
    }
    return Long.parseLong(digits);
  }

  private static ApiException malformed(String spec) {
    return new ApiException(ErrorCode.INVALID_RANGE, "malformed byte range '" + spec + "'");
  }
}
