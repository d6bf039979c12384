package io.artifactstore.cli.client;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import dev.failsafe.function.CheckedSupplier;
import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Which failures are transient, and how long the client waits before trying again.
 *
 * <p>Retried, whatever the request: a connection refused or a connect timeout (nothing was
 * sent), and a 503 or 429 answer carrying {@code Retry-After} (the server says it did not act).
 * Retried for idempotent requests only: a connection broken during the exchange (reset, closed
 * before the answer) and a 500, 502, 503 or 504 answer; no other 5xx (501, 505, 507
 * insufficient storage, ...): the same request would get the same answer. A transfer whose
 * body broke off is retried by its caller through {@link #transfer}.
 *
 * <p>The wait is the server's {@code Retry-After} (seconds or an HTTP date) when it sends one;
 * a {@code Retry-After} longer than {@link #MAX_RETRY_AFTER} is not waited for (the answer is
 * returned as it is). Otherwise the wait starts at {@link #FIRST_DELAY} and doubles up to
 * {@link #MAX_DELAY}. At most {@code max} retries per request or transfer, each reported as one
 * line through {@code report}.
 */
public final class Retries {

  /** The first wait of the backoff. */
  static final Duration FIRST_DELAY = Duration.ofMillis(500);
  /** The longest wait of the backoff. */
  static final Duration MAX_DELAY = Duration.ofSeconds(30);
  /** The longest {@code Retry-After} the client honours. */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
  /** The largest {@code --retries}. */
  static final int MAX_RETRIES = 100;

  private final int max;
  private final Consumer<String> report;

  /** {@code max} retries (0 to {@link #MAX_RETRIES}); each one is described to {@code report}. */
  public Retries(int max, Consumer<String> report) {
    if (max < 0 || max > MAX_RETRIES) {
      throw new ClientException(ExitCodes.USAGE, "--retries must be 0 to " + MAX_RETRIES);
    }
    this.max = max;
    this.report = report;
  }

  /** How many retries a request or transfer gets. */
  public int max() {
    return max;
  }

  /**
   * Runs {@code attempt} (one HTTP exchange) until it gives an answer that is not a transient
   * failure, or the retries are spent; returns the last answer or throws the last exception.
   * The body of an answer that is retried is closed.
   */
  <T> HttpResponse<T> send(String what, boolean idempotent,
      CheckedSupplier<HttpResponse<T>> attempt) throws IOException, InterruptedException {
    RetryPolicyBuilder<HttpResponse<T>> b = RetryPolicy.<HttpResponse<T>>builder()
        .handleIf((r, e) -> e != null ? transientException(e, idempotent)
            : transientStatus(r, idempotent))
        .abortIf(r -> r != null && retryAfter(r) != null
            && retryAfter(r).compareTo(MAX_RETRY_AFTER) > 0)
        .withDelayFn(ctx -> {
          Duration after = ctx.getLastResult() == null ? null : retryAfter(ctx.getLastResult());
          // A negative delay tells Failsafe to use the backoff.
          return after != null ? after : Duration.ofNanos(-1);
        })
        .onFailedAttempt(e -> closeBody(e.getLastResult()))
        .onRetryScheduled(e -> report.accept(what + ": " + describe(e.getLastResult(),
            e.getLastException()) + "; retry " + e.getAttemptCount() + " of " + max + " in "
            + seconds(e.getDelay())));
    return unwrap(() -> Failsafe.with(common(b)).get(attempt));
  }

  /**
   * Runs a whole transfer (a download that resumes or restarts by itself) until it completes,
   * retrying when it throws {@link TransferInterrupted}.
   */
  <T> T transfer(String what, CheckedSupplier<T> attempt) {
    RetryPolicyBuilder<T> b = RetryPolicy.<T>builder()
        .handle(TransferInterrupted.class)
        .onRetryScheduled(e -> report.accept(what + ": " + e.getLastException().getMessage()
            + "; retry " + e.getAttemptCount() + " of " + max + " in " + seconds(e.getDelay())));
    try {
      return Failsafe.with(common(b)).get(attempt);
    } catch (FailsafeException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new ClientException(ExitCodes.FAILED, what + ": " + e.getCause(), e.getCause());
    }
  }

  private <R> RetryPolicy<R> common(RetryPolicyBuilder<R> b) {
    return b.withMaxRetries(max).withBackoff(FIRST_DELAY, MAX_DELAY).build();
  }

  private static <T> T unwrap(CheckedSupplier<T> call) throws IOException, InterruptedException {
    try {
      return call.get();
    } catch (FailsafeException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof InterruptedException ie) {
        throw ie;
      }
      throw e;
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static boolean transientException(Throwable e, boolean idempotent) {
    if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException
        || e.getCause() instanceof ConnectException) {
      return true;
    }
    return idempotent && e instanceof IOException;
  }

  static boolean transientStatus(HttpResponse<?> r, boolean idempotent) {
    int s = r.statusCode();
    if ((s == 503 || s == 429) && retryAfter(r) != null) {
      return true;
    }
    // Only the 5xx that say "not now": 501, 505, 507 (insufficient storage) and the rest would
    // be answered the same way a second later.
    return idempotent && (s == 500 || s == 502 || s == 503 || s == 504);
  }

  /** The {@code Retry-After} of an answer as a wait from now, or null when absent or invalid. */
  static Duration retryAfter(HttpResponse<?> r) {
    String v = r.headers().firstValue("Retry-After").orElse(null);
    if (v == null) {
      return null;
    }
    v = v.trim();
    if (v.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(Instant.now(), at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String describe(HttpResponse<?> r, Throwable e) {
    if (e != null) {
      if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
        return "connection refused";
      }
      if (e instanceof HttpConnectTimeoutException) {
        return "connect timeout";
      }
      return "connection broken (" + (e.getMessage() != null ? e.getMessage()
          : e.getClass().getSimpleName()) + ")";
    }
    Duration after = retryAfter(r);
    return "server answered " + r.statusCode()
        + (after != null ? " with Retry-After " + seconds(after) : "");
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static void closeBody(HttpResponse<?> r) {
    if (r != null && r.body() instanceof Closeable c) {
      try {
        c.close();
      } catch (IOException ignored) {
        // the answer is being dropped anyway
      }
    }
  }

  /** A transfer broke off after it started; the caller can resume or restart it. */
  static final class TransferInterrupted extends ClientException {

    TransferInterrupted(String message, Throwable cause) {
      super(ExitCodes.FAILED, message, cause);
    }
  }
}
