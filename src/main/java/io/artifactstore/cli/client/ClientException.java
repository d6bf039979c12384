package io.artifactstore.cli.client;

/**
 * A client command failed; carries the exit code documented in docs/cli.md and, for an error
 * answered by the server, its HTTP status and error code.
 */
public class ClientException extends RuntimeException {

  private final int exitCode;
  private final int status;
  private final String code;

  public ClientException(int exitCode, String message) {
    this(exitCode, message, 0, null, null);
  }

  public ClientException(int exitCode, String message, Throwable cause) {
    this(exitCode, message, 0, null, cause);
  }

  public ClientException(int exitCode, String message, int status, String code, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.status = status;
    this.code = code;
  }

  /** The process exit code for this failure. */
  public int exitCode() {
    return exitCode;
  }

  /** The HTTP status of the server's answer, or 0 when the server did not answer. */
  public int status() {
    return status;
  }

  /** The server's error code ({@code error.code}), or null. */
  public String code() {
    return code;
  }
}
