package io.artifactstore.security;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits per caller ({@code security.limits.*}), shared by every HTTP verticle: requests per
 * second (Resilience4j's rate limiter, one per caller, permits renewed every second) and
 * uploads in flight at once. A caller is its verified identity ({@link Identity#actor}), or for
 * anonymous callers and links, the client's address. Over a limit: 429 with
 * {@code Retry-After: 1} ({@code too_many_requests}, {@code too_many_uploads_for_caller}),
 * before anything of the request is read or changed.
 */
public final class CallerLimits {

  /** Beyond this many callers tracked at once, the table starts over (memory stays bounded). */
  private static final int MAX_CALLERS = 100_000;

  private final int requestsPerSecond;
  private final int uploadsPerCaller;
  private final RateLimiterConfig rateConfig;
  private final Clock clock;
  private final Map<String, RateLimiter> rates = new ConcurrentHashMap<>();
  /** Uploads in flight by caller; callers with none are not in the map. */
  private final Map<String, Integer> uploads = new ConcurrentHashMap<>();

  /** 0 for either: no such limit. {@code clock} drives the rate limiter's periods. */
  public CallerLimits(int requestsPerSecond, int uploadsPerCaller, Clock clock) {
    this.requestsPerSecond = requestsPerSecond;
    this.uploadsPerCaller = uploadsPerCaller;
    this.clock = clock;
    this.rateConfig = requestsPerSecond <= 0 ? null : RateLimiterConfig.custom()
        .limitForPeriod(requestsPerSecond)
        .limitRefreshPeriod(Duration.ofSeconds(1))
        .timeoutDuration(Duration.ZERO)
        .build();
  }

  /** The caller's key: its identity, or for anonymous callers and links, its address. */
  public static String caller(Identity who, String remoteAddress) {
    return who.kind() == Identity.Kind.ANONYMOUS || who.kind() == Identity.Kind.LINK
        ? who.kind().name().toLowerCase(java.util.Locale.ROOT) + "@" + remoteAddress
        : who.actor();
  }

  /** Admits one request of {@code caller}, or fails with {@code too_many_requests}. */
  public void admit(String caller) {
    if (rateConfig == null) {
      return;
    }
    if (rates.size() > MAX_CALLERS) {
      rates.clear();
    }
    RateLimiter limiter = rates.computeIfAbsent(caller, c -> RateLimiter.of("caller", rateConfig,
        () -> clock.millis() * 1_000_000L));
    if (!limiter.acquirePermission()) {
      throw new ApiException(ErrorCode.TOO_MANY_REQUESTS, "more than " + requestsPerSecond
          + " requests per second from " + caller + " (security.limits."
          + "requests_per_second_per_caller); retry");
    }
  }

  /**
   * Takes one of {@code caller}'s upload slots, or fails with
   * {@code too_many_uploads_for_caller}; the returned action gives it back.
   */
  public Runnable acquireUpload(String caller) {
    if (uploadsPerCaller <= 0) {
      return () -> { };
    }
    boolean[] taken = {false};
    uploads.compute(caller, (c, n) -> {
      int now = n == null ? 0 : n;
      if (now >= uploadsPerCaller) {
        return n;
      }
      taken[0] = true;
      return now + 1;
    });
    if (!taken[0]) {
      throw new ApiException(ErrorCode.TOO_MANY_UPLOADS_FOR_CALLER, caller + " is running "
          + uploadsPerCaller + " uploads, its limit (security.limits."
          + "max_concurrent_uploads_per_caller); retry when one is done");
    }
    boolean[] released = {false};
    return () -> {
      if (!released[0]) {
        released[0] = true;
        uploads.computeIfPresent(caller, (c, n) -> n <= 1 ? null : n - 1);
      }
    };
  }
}
