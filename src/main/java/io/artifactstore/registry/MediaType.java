package io.artifactstore.registry;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.util.regex.Pattern;

/**
 * The media type recorded for a file: a {@code Content-Type} field value checked against the
 * grammar of RFC 9110 section 8.3.1, {@code type "/" subtype *( OWS ";" OWS [ parameter ] )},
 * where type, subtype and parameter names are tokens (section 5.6.2) and parameter values are
 * tokens or quoted strings (section 5.6.4). Kept as sent, trimmed.
 */
public final class MediaType {

  /** Media types longer than this are refused (no registered type comes close). */
  static final int MAX_LENGTH = 255;
  static final String DEFAULT = "application/octet-stream";

  private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
  private static final String QUOTED = "\"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\\t \\x21-\\x7E])*\"";
  private static final Pattern GRAMMAR = Pattern.compile(TOKEN + "/" + TOKEN
      + "(?:[ \\t]*;[ \\t]*(?:" + TOKEN + "=(?:" + TOKEN + "|" + QUOTED + "))?)*");

  private MediaType() {}

  /**
   * {@code given}, trimmed, or {@link #DEFAULT} when absent or blank; fails with
   * {@code invalid_request} when it is not a media type.
   */
  public static String of(String given) {
    if (given == null || given.isBlank()) {
      return DEFAULT;
    }
    String t = given.strip();
    if (t.length() > MAX_LENGTH || !GRAMMAR.matcher(t).matches()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "Content-Type '" + printable(t)
          + "' is not a media type (type/subtype, optionally ;name=value parameters)");
    }
    return t;
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
