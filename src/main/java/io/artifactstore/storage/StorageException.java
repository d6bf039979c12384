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
    /** The backend has no room left for the bytes (a full disk, an exhausted quota). */
    FULL,
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

  /**
   * {@code failure} as a storage failure of kind {@code FULL} when it is the operating system
   * saying there is no room (ENOSPC, EDQUOT), else of kind {@code otherwise}.
   */
  public static StorageException of(Throwable failure, Kind otherwise, String message) {
    if (failure instanceof StorageException s) {
      return s;
    }
    return new StorageException(isNoSpace(failure) ? Kind.FULL : otherwise,
        message + ": " + failure.getMessage(), failure);
  }

  /** Whether {@code failure} (or a cause) reports no space left on a device or a quota. */
  public static boolean isNoSpace(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left on device")
          || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }
}
