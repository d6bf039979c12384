package io.artifactstore.support;

import io.artifactstore.security.ApiTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches everything logged in the test JVM, for the whole run, for an API token secret (a
 * well-formed {@code arst_} token: prefix, length and checksum) in a message, its parameters or
 * a stack trace. Installed by every {@link TestServer}; {@link TestServer#close} fails the test
 * when a secret was logged, and {@link ServerProcess} checks a server process's output.
 */
public final class SecretScanner extends Handler {

  private static final Pattern CANDIDATE = Pattern.compile(
      Pattern.quote(ApiTokens.PREFIX) + "[A-Za-z0-9_-]{" + (ApiTokens.LENGTH
          - ApiTokens.PREFIX.length()) + "}");
  private static final SecretScanner INSTANCE = new SecretScanner();
  private static boolean installed;
  private final List<String> found = new ArrayList<>();

  private SecretScanner() {
    setLevel(Level.ALL);
  }

  /** Installs the scanner on the root logger, once per JVM. */
  public static synchronized void install() {
    if (!installed) {
      Logger.getLogger("").addHandler(INSTANCE);
      installed = true;
    }
  }

  /** The secrets in {@code text}: well-formed tokens only. */
  public static List<String> secretsIn(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = CANDIDATE.matcher(text);
    while (m.find()) {
      if (ApiTokens.wellFormed(m.group())) {
        out.add(m.group());
      }
    }
    return out;
  }

  /** Fails when anything logged in this JVM so far held a secret. */
  public static void assertNoSecretLogged() {
    synchronized (INSTANCE) {
      if (!INSTANCE.found.isEmpty()) {
        throw new AssertionError("a token secret was logged: " + INSTANCE.found);
      }
    }
  }

  @Override
  public void publish(LogRecord r) {
    StringBuilder text = new StringBuilder(String.valueOf(r.getMessage()));
    if (r.getParameters() != null) {
      for (Object p : r.getParameters()) {
        text.append(' ').append(p);
      }
    }
    if (r.getThrown() != null) {
      StringWriter w = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(w));
      text.append(' ').append(w);
    }
    if (!secretsIn(text.toString()).isEmpty()) {
      synchronized (this) {
        found.add(r.getLoggerName() + ": " + r.getMessage());
      }
    }
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
  }
}
