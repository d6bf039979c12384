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
  /** The server wants credentials, or refused the ones given (401): none, unknown, expired. */
  public static final int UNAUTHENTICATED = 6;
  /** The credentials are valid but do not allow the request (403). */
  public static final int FORBIDDEN = 7;

  private ExitCodes() {}
}
