package io.artifactstore.cli.client;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.eclipse.jgit.ignore.FastIgnoreRule;
import org.eclipse.jgit.ignore.IgnoreNode;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * A list of patterns with the rules of a {@code .gitignore} at the root of the folder, as git
 * applies them (JGit's implementation): a pattern without {@code /} (other than a trailing one)
 * matches a name at any depth, one with a {@code /} is anchored at the root, a trailing
 * {@code /} matches folders only, {@code *}, {@code ?} and {@code [...]} stay within a segment,
 * {@code **} crosses segments ({@code **}{@code /*.txt} also matches {@code a.txt}), {@code !}
 * negates, and the last matching pattern decides. A folder that matches stands for everything
 * under it.
 */
final class IgnoreRules {

  static {
    // JGit logs through SLF4J, which warns on every run that no provider is on the class path
    // (the client jar has none) before falling back to discarding: keep only its errors.
    if (System.getProperty("slf4j.internal.verbosity") == null
        && ServiceLoader.load(SLF4JServiceProvider.class).findFirst().isEmpty()) {
      System.setProperty("slf4j.internal.verbosity", "ERROR");
    }
  }

  private final List<String> patterns;
  private final IgnoreNode node;

  /** The rules of {@code patterns}; a blank or comment-only pattern is a usage error. */
  IgnoreRules(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    List<FastIgnoreRule> rules = new ArrayList<>();
    for (String p : patterns) {
      FastIgnoreRule r;
      try {
        r = new FastIgnoreRule(p);
      } catch (RuntimeException e) {
        throw new ClientException(ExitCodes.USAGE, "invalid pattern '" + p + "': "
            + e.getMessage());
      }
      if (p.isBlank() || r.isEmpty()) {
        throw new ClientException(ExitCodes.USAGE, "the pattern '" + p + "' matches nothing "
            + "(blank, or a comment)");
      }
      rules.add(r);
    }
    this.node = new IgnoreNode(rules);
  }

  List<String> patterns() {
    return patterns;
  }

  boolean isEmpty() {
    return patterns.isEmpty();
  }

  /**
   * Whether {@code path} (relative, with {@code /}) matches: the last pattern matching the path
   * itself decides, or, when none does, the nearest folder above it that a pattern matches.
   */
  boolean matches(String path, boolean directory) {
    String p = path;
    boolean dir = directory;
    while (!p.isEmpty()) {
      Boolean r = node.checkIgnored(p, dir);
      if (r != null) {
        return r;
      }
      int slash = p.lastIndexOf('/');
      p = slash < 0 ? "" : p.substring(0, slash);
      dir = true;
    }
    return false;
  }

  /** Whether the path matches by itself (not through a folder above it). */
  boolean matchesItself(String path, boolean directory) {
    return Boolean.TRUE.equals(node.checkIgnored(path, directory));
  }
}
