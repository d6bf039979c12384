package io.artifactstore.dataplane;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Watches one upload body and cuts off a client that stalls or trickles, as web servers do
 * with a body timeout and a minimum rate (nginx's client_body_timeout, Apache's
 * mod_reqtimeout): a body from which nothing arrives for {@code idle}, or whose bytes over a
 * whole {@code window} average less than {@code minBytesPerSecond}, is a violation, reported
 * once as {@code request_timeout} (408). Time during which the server itself holds the client
 * back (its write queue is full: storage or hashing is the slower side) does not count against
 * the client. Runs on the upload's event loop; checks a few times per period.
 */
final class BodyRate {

  private final Vertx vertx;
  private final long idleNanos;
  private final long windowNanos;
  private final long minBytesPerSecond;
  private final LongSupplier received;
  private final BooleanSupplier heldBack;
  private final Consumer<ApiException> onViolation;
  private long timer = -1;
  private long lastBytes;
  private long lastProgress;
  private long windowStart;
  private long windowStartBytes;
  private boolean heldBackInWindow;

  /**
   * @param received bytes of the body received so far
   * @param heldBack whether the server is holding the client back right now
   */
  BodyRate(Vertx vertx, Duration idle, Duration window, long minBytesPerSecond,
      LongSupplier received, BooleanSupplier heldBack, Consumer<ApiException> onViolation) {
    this.vertx = vertx;
    this.idleNanos = idle.toNanos();
    this.windowNanos = window.toNanos();
    this.minBytesPerSecond = minBytesPerSecond;
    this.received = received;
    this.heldBack = heldBack;
    this.onViolation = onViolation;
  }

  void start() {
    long now = System.nanoTime();
    lastProgress = now;
    windowStart = now;
    long periodMillis = Math.max(50, Math.min(1000,
        Math.min(idleNanos, windowNanos) / 4 / 1_000_000));
    timer = vertx.setPeriodic(periodMillis, t -> check());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void check() {
    long now = System.nanoTime();
    long bytes = received.getAsLong();
    boolean held = heldBack.getAsBoolean();
    if (bytes > lastBytes || held) {
      lastProgress = now;
      lastBytes = bytes;
    }
    heldBackInWindow |= held;
    if (now - lastProgress >= idleNanos) {
      violation("no byte of the body arrived for " + Duration.ofNanos(idleNanos).toSeconds()
          + " s");
      return;
    }
    if (now - windowStart >= windowNanos) {
      long inWindow = bytes - windowStartBytes;
      double seconds = (now - windowStart) / 1e9;
      if (!heldBackInWindow && minBytesPerSecond > 0 && inWindow < minBytesPerSecond * seconds) {
        violation(String.format(java.util.Locale.ROOT, "the body arrived at %.0f bytes/s over "
            + "%.0f s, below the minimum of %d", inWindow / seconds, seconds, minBytesPerSecond));
        return;
      }
      windowStart = now;
      windowStartBytes = bytes;
      heldBackInWindow = false;
    }
  }

  private void violation(String message) {
    stop();
    onViolation.accept(new ApiException(ErrorCode.REQUEST_TIMEOUT, message
        + "; the upload was cancelled"));
  }
}
