package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.storage.StorageException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;

/**
 * How the data plane's failures read to a caller (HTTP or the event bus): a fault of storage is
 * the server's ({@code 507 insufficient_storage} when it is full, else
 * {@code 503 storage_unavailable}), never the request's; a sender that went away is routine.
 */
public final class StorageFaults {

  private StorageFaults() {}

  /**
   * The catalogued error of a storage fault, empty when {@code failure} is not one. The message
   * says what failed; it never carries a stack trace.
   */
  public static Optional<ApiException> toApi(Throwable failure) {
    if (!(failure instanceof StorageException s)) {
      return Optional.empty();
    }
    if (s.kind() == StorageException.Kind.FULL) {
      return Optional.of(new ApiException(ErrorCode.INSUFFICIENT_STORAGE, "storage is full: "
          + s.getMessage() + "; nothing was kept"));
    }
    return Optional.of(new ApiException(ErrorCode.STORAGE_UNAVAILABLE,
        "storage failed: " + s.getMessage()));
  }

  /** One line for the log: the fault and its cause, without a stack trace. */
  public static String describe(Throwable failure) {
    return failure.getMessage() + (failure.getCause() != null ? " (" + failure.getCause() + ")"
        : "");
  }

  /** Whether the content a reference names is gone from its backend. */
  public static boolean missing(Throwable failure) {
    return failure instanceof StorageException s && s.kind() == StorageException.Kind.NOT_FOUND;
  }

  /** Whether {@code failure} (or a cause of it) is the sender's connection going away. */
  public static boolean clientGone(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpClosedException || t instanceof ClosedChannelException) {
        return true;
      }
      if ((t instanceof IOException || t instanceof VertxException) && t.getMessage() != null
          && (t.getMessage().contains("Connection reset")
              || t.getMessage().contains("Broken pipe"))) {
        return true;
      }
    }
    return false;
  }
}
