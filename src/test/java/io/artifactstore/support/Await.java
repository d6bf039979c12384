package io.artifactstore.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waiting for a state that comes about asynchronously: the condition is checked until it holds,
 * and the test fails when the deadline passes first. The deadline is a bound on a broken
 * server, never the expected duration, so a slow or loaded machine only waits longer.
 */
public final class Await {

  /** Time between two checks of the condition. */
  private static final long POLL_MS = 20;

  /** A condition that may throw (an HTTP call, a file read). */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private Await() {}

  /** Waits until {@code condition} holds; fails naming {@code what} after {@code deadline}. */
  public static void until(String what, Duration deadline, Condition condition)
      throws Exception {
    until(what, deadline, condition, () -> "");
  }

  /** As above; {@code detail} adds to the failure (a log, the last state seen). */
  public static void until(String what, Duration deadline, Condition condition,
      Callable<String> detail) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > end) {
        fail("timed out after " + deadline + " waiting for " + what + ". " + detail.call());
      }
      Thread.sleep(POLL_MS);
    }
  }
}
