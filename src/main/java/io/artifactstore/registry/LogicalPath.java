package io.artifactstore.registry;

import io.artifactstore.config.AppConfig;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The rules for logical file paths inside a package. A valid path is relative, uses {@code /}
 * between segments, and has no empty, {@code .} or {@code ..} segment, no backslash, no NUL or
 * other control character, and stays within the configured length and depth limits. Paths are
 * kept exactly as given otherwise (no case folding or Unicode normalization).
 */
public final class LogicalPath {

  private LogicalPath() {}

  /** Percent-decodes the raw URL form strictly, then validates; returns the logical path. */
  public static String fromUrl(String raw, AppConfig.Limits limits) {
    return validate(percentDecode(raw), limits);
  }

  /** Validates a decoded path; returns it unchanged or throws {@code invalid_path}. */
  public static String validate(String path, AppConfig.Limits limits) {
    if (path == null || path.isEmpty()) {
      throw invalid("the path is empty");
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > limits.maxPathBytes()) {
      throw invalid("the path is longer than " + limits.maxPathBytes() + " bytes");
    }
    if (path.startsWith("/")) {
      throw invalid("the path must be relative, not start with /");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\') {
        throw invalid("the path contains a backslash; use / between segments");
      }
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
        throw invalid("the path contains a control character (U+"
            + String.format("%04X", (int) c) + ")");
      }
      if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c) && i + 1 < path.length()
            && Character.isLowSurrogate(path.charAt(i + 1));
        if (!paired) {
          throw invalid("the path is not valid Unicode");
        }
        i++;
      }
    }
    String[] segments = path.split("/", -1);
    if (segments.length > limits.maxPathDepth()) {
      throw invalid("the path has more than " + limits.maxPathDepth() + " segments");
    }
    for (String segment : segments) {
      if (segment.isEmpty()) {
        throw invalid("the path has an empty segment (// or a trailing /)");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw invalid("the path has a '" + segment + "' segment");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > limits.maxSegmentBytes()) {
        throw invalid("a path segment is longer than " + limits.maxSegmentBytes() + " bytes");
      }
    }
    return path;
  }

  /** RFC 3986 percent-decoding into UTF-8 that rejects bad escapes and invalid UTF-8. */
  static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw invalid("the path has an incomplete percent escape");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw invalid("the path has an invalid percent escape");
        }
        out.write((hi << 4) | lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("the path is not valid UTF-8");
    }
  }

  private static ApiException invalid(String why) {
    return new ApiException(ErrorCode.INVALID_PATH, why);
  }
}
