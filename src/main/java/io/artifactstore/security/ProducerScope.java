package io.artifactstore.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The producers an identity may act for: a list of producer-name patterns where {@code *}
 * matches any run of characters (slashes included) and every other character matches itself,
 * case-sensitively. {@link #ANY} (no scope) covers every producer.
 *
 * <p>Example: {@code ["ci/github.com/acme/*", "nightly-report"]}.
 */
public final class ProducerScope {

  /** No restriction. */
  public static final ProducerScope ANY = new ProducerScope(Optional.empty());

  /** A pattern: printable ASCII without controls, at most 256 characters. */
  private static final Pattern VALID = Pattern.compile("[\\x21-\\x7e]{1,256}");

  private final Optional<List<String>> patterns;
  private final List<Pattern> compiled;

  private ProducerScope(Optional<List<String>> patterns) {
    this.patterns = patterns;
    List<Pattern> c = new ArrayList<>();
    patterns.ifPresent(ps -> ps.forEach(p -> c.add(compile(p))));
    this.compiled = List.copyOf(c);
  }

  /**
   * The scope of {@code patterns}; {@code null} means {@link #ANY}. An empty list covers no
   * producer. {@link IllegalArgumentException} for a pattern that is blank, too long or holds
   * a control character or a space.
   */
  public static ProducerScope of(List<String> patterns) {
    if (patterns == null) {
      return ANY;
    }
    for (String p : patterns) {
      if (p == null || !VALID.matcher(p).matches()) {
        throw new IllegalArgumentException("a producer pattern is 1 to 256 printable ASCII "
            + "characters without spaces ('*' matches any run of characters), got '" + p + "'");
      }
    }
    return new ProducerScope(Optional.of(List.copyOf(patterns)));
  }

  /** True when {@code producer} matches one of the patterns (always, for {@link #ANY}). */
  public boolean covers(String producer) {
    if (patterns.isEmpty()) {
      return true;
    }
    if (producer == null) {
      return false;
    }
    for (Pattern p : compiled) {
      if (p.matcher(producer).matches()) {
        return true;
      }
    }
    return false;
  }

  /** True for {@link #ANY}. */
  public boolean unrestricted() {
    return patterns.isEmpty();
  }

  /** The patterns; empty for {@link #ANY}. */
  public Optional<List<String>> patterns() {
    return patterns;
  }

  private static Pattern compile(String glob) {
    StringBuilder re = new StringBuilder();
    String[] parts = glob.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        re.append(".*");
      }
      if (!parts[i].isEmpty()) {
        re.append(Pattern.quote(parts[i]));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  @Override
  public String toString() {
    return patterns.map(Object::toString).orElse("any producer");
  }
}
