package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on uploads in flight on this server ({@code http.max_concurrent_uploads}), shared
 * by every HTTP verticle. An upload takes a slot before its body is read and gives it back when
 * it ends, whatever the outcome.
 */
public final class UploadSlots {

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** {@code max} 0 means no bound. */
  public UploadSlots(int max) {
    this.max = max;
  }

  /** Takes a slot, or fails with {@code too_many_uploads} (503, with Retry-After). */
  public void acquire() {
    int n = inFlight.incrementAndGet();
    if (max > 0 && n > max) {
      inFlight.decrementAndGet();
      throw new ApiException(ErrorCode.TOO_MANY_UPLOADS, "the server is running " + max
          + " uploads, its limit (http.max_concurrent_uploads); retry later");
    }
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  /** Uploads in flight now. */
  public int inFlight() {
    return inFlight.get();
  }
}
