package io.artifactstore.cli.client;

import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * Whether the process's standard error is a terminal, and how wide it is, asked of the
 * operating system for file descriptor 2 itself (JLine's native provider: {@code isatty} and
 * the window size), so the answer does not depend on stdin or stdout. When the native library
 * cannot be loaded, JLine's provider that runs the system's tools is asked instead; when
 * neither answers, stderr is taken not to be a terminal.
 */
final class Terminals {

  /** The width used when the terminal reports none (a pseudo-terminal without a size). */
  static final int DEFAULT_WIDTH = 80;

  private static final TerminalProvider PROVIDER = provider();

  private Terminals() {}

  private static TerminalProvider provider() {
    for (String name : new String[] {"jni", "exec"}) {
      try {
        TerminalProvider p = TerminalProvider.load(name);
        p.isSystemStream(SystemStream.Error);
        return p;
      } catch (Exception | LinkageError e) {
        // try the next provider
      }
    }
    return null;
  }

  /** Whether standard error (fd 2) is a terminal. */
  static boolean stderrIsTerminal() {
    try {
      return PROVIDER != null && PROVIDER.isSystemStream(SystemStream.Error);
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** The width of the terminal on standard error, in columns; {@link #DEFAULT_WIDTH} if none. */
  static int stderrWidth() {
    try {
      int w = PROVIDER == null ? 0 : PROVIDER.systemStreamWidth(SystemStream.Error);
      return w >= 20 ? w : DEFAULT_WIDTH;
    } catch (RuntimeException | LinkageError e) {
      return DEFAULT_WIDTH;
    }
  }
}
