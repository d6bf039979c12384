package io.artifactstore.cli.client;

/**
 * The exit codes of the client commands (docs/cli.md). A client ended by a signal exits with
 * 128 plus its number, set by the JVM: 130 for SIGINT (Ctrl-C), 143 for SIGTERM; shutdown hooks
 * (the words of an interrupted push) run first.
 */
public final class ExitCodes {

  /** Everything asked for was done (and verified, where the command verifies). */
  public static final int OK = 0;
  /** The operation failed: the server refused it, or a digest or size did not match. */
  public static final int FAILED = 1;
  /** A usage or configuration error: bad options, a missing or invalid input file. */
  public static final int USAGE = 2;
  /** The server could not be reached. */
  public static final int UNREACHABLE = 3;
  /** The package, file or hold does not exist (or no longer serves files). */
  public static final int NOT_FOUND = 4;

  private ExitCodes() {}
}
