package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request target (RFC 9112 section 3.2) checked before routing: it must be a path
 * (origin-form, or absolute-form, which HTTP/1.1 servers must accept), and every
 * percent-escape in its path and query must be two hex digits that decode, together, to UTF-8
 * (RFC 3986 section 2.1). Anything else is refused with 400 rather than guessed at: a package
 * id or a query parameter decoded leniently would name something the client did not send.
 */
final class RequestTarget {

  /** The part of a file URL before its logical path. */
  private static final Pattern FILE_PATH = Pattern.compile("/v1/packages/[^/]+/files/");

  private RequestTarget() {}

  /** Fails with {@code invalid_request} or {@code invalid_parameter}; returns when acceptable. */
  static void check(String uri) {
    if (uri == null || uri.isEmpty()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "the request target is empty");
    }
    String target = uri;
    if (!target.startsWith("/")) {
      int scheme = target.indexOf("://");
      int path = scheme < 0 ? -1 : target.indexOf('/', scheme + 3);
      if (scheme < 0 || path < 0) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "the request target must be a path "
            + "such as /v1/packages (origin-form), not '" + printable(uri) + "'");
      }
      target = target.substring(path);
    }
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Matcher file = FILE_PATH.matcher(path);
    String route = file.lookingAt() ? path.substring(0, file.end()) : path;
    if (!decodes(route)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "the path has a percent-escape that is not two hex digits of UTF-8");
    }
    if (route.length() < path.length() && !decodes(path.substring(route.length()))) {
      throw new ApiException(ErrorCode.INVALID_PATH,
          "the logical path has a percent-escape that is not two hex digits of UTF-8");
    }
    if (q >= 0 && !decodes(target.substring(q + 1).replace('+', ' '))) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER,
          "the query has a percent-escape that is not two hex digits of UTF-8");
    }
  }

  /** Whether every escape of {@code s} is well formed and the bytes are UTF-8. */
  static boolean decodes(String s) {
    if (s.indexOf('%') < 0) {
      return true;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          return false;
        }
        bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
