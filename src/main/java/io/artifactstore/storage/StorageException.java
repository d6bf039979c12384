package io.artifactstore.storage;

/** A storage failure tagged with what kind of failure it is, so callers can map it. */
public class StorageException extends RuntimeException {

  /** The categories callers act on. */
  public enum Kind {
    /** The object does not exist. */
    NOT_FOUND,
    /** The writer was used after commit or cancel, or written bytes do not fit the request. */
    INVALID_STATE,
    /** The backend could not be reached or refused the operation. */
    UNAVAILABLE,
    /** Any other I/O failure. */
    IO
  }

  private final Kind kind;

  public StorageException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public StorageException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
