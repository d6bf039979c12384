package io.artifactstore.http;

import java.util.ArrayList;
import java.util.List;

/**
 * An entity tag (RFC 9110 section 8.8.3): an opaque string in double quotes, optionally marked
 * weak with {@code W/}. Strong comparison (section 8.8.3.2) needs both tags strong and equal;
 * weak comparison only equal opaque strings.
 *
 * @param opaque the quoted string, quotes included, such as {@code "abc"}
 * @param weak whether the tag carries {@code W/}
 */
record EntityTag(String opaque, boolean weak) {

  /** A strong tag for {@code value} (which must not contain a double quote). */
  static EntityTag strong(String value) {
    return new EntityTag('"' + value + '"', false);
  }

  /** The field value: {@code "x"} or {@code W/"x"}. */
  @Override
  public String toString() {
    return weak ? "W/" + opaque : opaque;
  }

  boolean strongMatch(EntityTag other) {
    return !weak && !other.weak && opaque.equals(other.opaque);
  }

  boolean weakMatch(EntityTag other) {
    return opaque.equals(other.opaque);
  }

  /** One entity tag, or null when {@code value} is not exactly one. */
  static EntityTag parse(String value) {
    List<EntityTag> tags = parseList(value.trim());
    return tags != null && tags.size() == 1 ? tags.get(0) : null;
  }

  /**
   * The members of an {@code If-Match} or {@code If-None-Match} list ({@code #entity-tag}), or
   * null when the value is not such a list. Empty list elements are skipped (section 5.6.1.2).
   * A comma inside quotes belongs to the tag, so the value is scanned, not split.
   */
  static List<EntityTag> parseList(String value) {
    List<EntityTag> tags = new ArrayList<>();
    int i = 0;
    int n = value.length();
    while (true) {
      while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ',')) {
        i++;
      }
      if (i == n) {
        return tags;
      }
      boolean weak = value.startsWith("W/", i);
      if (weak) {
        i += 2;
      }
      if (i == n || value.charAt(i) != '"') {
        return null;
      }
      int close = i + 1;
      while (close < n && value.charAt(close) != '"') {
        char c = value.charAt(close);
        if (c < 0x21 || c == 0x7f) {
          return null;
        }
        close++;
      }
      if (close == n) {
        return null;
      }
      tags.add(new EntityTag(value.substring(i, close + 1), weak));
      i = close + 1;
      while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
        i++;
      }
      if (i < n && value.charAt(i) != ',') {
        return null;
      }
    }
  }
}
