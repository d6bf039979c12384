package io.artifactstore.http;

import io.netty.handler.codec.DateFormatter;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

/**
 * Conditional requests (RFC 9110 section 13): {@code If-Match}, {@code If-None-Match},
 * {@code If-Modified-Since} and {@code If-Unmodified-Since} evaluated in the order of section
 * 13.2.2, and {@code If-Range} (section 13.1.5).
 *
 * <p>The caller supplies the validators of the selected representation, or null when the
 * target resource has no current representation (a file not uploaded yet, a route that only
 * takes POST). Following section 13.2.1, callers evaluate preconditions only once the request
 * is known to be otherwise acceptable: a 404 or 410 of the resource comes first.
 */
final class Conditionals {

  /** What the preconditions call for. */
  enum Outcome {
    /** Perform the method. */
    PROCEED,
    /** Answer 304 Not Modified (GET and HEAD only). */
    NOT_MODIFIED,
    /** Answer 412 Precondition Failed. */
    PRECONDITION_FAILED
  }

  /**
   * The validators of a selected representation (section 8.8).
   *
   * @param etag its entity tag, or null
   * @param lastModified its last modification, to the second, or null
   */
  record Validators(EntityTag etag, Instant lastModified) {

    Validators {
      lastModified = lastModified == null ? null : lastModified.truncatedTo(ChronoUnit.SECONDS);
    }
  }

  static final String IF_UNMODIFIED_SINCE = "If-Unmodified-Since";
  static final String IF_RANGE = "If-Range";

  private Conditionals() {}

  /** Whether the request carries any of the four precondition fields. */
  static boolean present(MultiMap headers) {
    return headers.contains(HttpHeaders.IF_MATCH) || headers.contains(HttpHeaders.IF_NONE_MATCH)
        || headers.contains(HttpHeaders.IF_MODIFIED_SINCE)
        || headers.contains(IF_UNMODIFIED_SINCE);
  }

  /** Section 13.2.2, steps 1 to 4, for {@code current} (null: no current representation). */
  static Outcome evaluate(HttpMethod method, MultiMap headers, Validators current) {
    boolean safe = method == HttpMethod.GET || method == HttpMethod.HEAD;
    String ifMatch = list(headers, HttpHeaders.IF_MATCH.toString());
    if (ifMatch != null) {
      if (!ifMatch(ifMatch, current)) {
        return Outcome.PRECONDITION_FAILED;
      }
    } else {
      Instant since = httpDate(headers.get(IF_UNMODIFIED_SINCE));
      if (since != null && current != null && current.lastModified() != null
          && current.lastModified().isAfter(since)) {
        return Outcome.PRECONDITION_FAILED;
      }
    }
    String ifNoneMatch = list(headers, HttpHeaders.IF_NONE_MATCH.toString());
    if (ifNoneMatch != null) {
      if (!ifNoneMatch(ifNoneMatch, current)) {
        return safe ? Outcome.NOT_MODIFIED : Outcome.PRECONDITION_FAILED;
      }
    } else if (safe) {
      Instant since = httpDate(headers.get(HttpHeaders.IF_MODIFIED_SINCE));
      if (since != null && current != null && current.lastModified() != null
          && !current.lastModified().isAfter(since)) {
        return Outcome.NOT_MODIFIED;
      }
    }
    return Outcome.PROCEED;
  }

  /**
   * A list-valued field as one value: several field lines of the same name are one list, their
   * values joined with commas (RFC 9110 section 5.3). Null when absent.
   */
  static String list(MultiMap headers, String name) {
    java.util.List<String> lines = headers.getAll(name);
    return lines.isEmpty() ? null : String.join(", ", lines);
  }

  /**
   * Section 13.1.5: whether a {@code Range} applies. True without {@code If-Range}; with one,
   * only for an entity tag that matches strongly or a date equal to {@code Last-Modified}.
   */
  static boolean ifRangeHolds(MultiMap headers, Validators current) {
    String value = headers.get(IF_RANGE);
    if (value == null) {
      return true;
    }
    String v = value.trim();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      EntityTag tag = EntityTag.parse(v);
      return tag != null && current.etag() != null && current.etag().strongMatch(tag);
    }
    Instant date = httpDate(v);
    return date != null && date.equals(current.lastModified());
  }

  /** Section 13.1.1: "*" holds when there is a representation; tags compare strongly. */
  private static boolean ifMatch(String value, Validators current) {
    if (value.trim().equals("*")) {
      return current != null;
    }
    List<EntityTag> tags = EntityTag.parseList(value);
    if (tags == null || current == null || current.etag() == null) {
      return false;
    }
    return tags.stream().anyMatch(t -> t.strongMatch(current.etag()));
  }

  /** Section 13.1.2: "*" fails when there is a representation; tags compare weakly. */
  private static boolean ifNoneMatch(String value, Validators current) {
    if (value.trim().equals("*")) {
      return current == null;
    }
    List<EntityTag> tags = EntityTag.parseList(value);
    if (tags == null || current == null || current.etag() == null) {
      return true;
    }
    return tags.stream().noneMatch(t -> t.weakMatch(current.etag()));
  }

  /** An HTTP-date in any of the three formats of section 5.6.7, or null. */
  static Instant httpDate(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    // The longest form (RFC 850, with the longest weekday) is 38 characters; the parser refuses
    // over 64 with an exception, and an invalid date is to be ignored (section 13.1.3).
    if (v.length() > 64) {
      return null;
    }
    Date d = DateFormatter.parseHttpDate(v);
    return d == null ? null : d.toInstant();
  }

  /** The IMF-fixdate form of {@code t} (section 5.6.7). */
  static String httpDate(Instant t) {
    return DateFormatter.format(Date.from(t));
  }
}
