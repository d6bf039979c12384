package io.artifactstore.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server's own meters, kept by the service rather than taken from vertx-micrometer,
 * whose active-request gauge never comes back down for a download the client abandons:
 * <ul>
 *   <li>{@code artifactstore_http_server_requests_seconds} (histogram): every request, labelled
 *       with its method, its route template ({@code /v1/packages/{id}}, never a raw path, so the
 *       number of series stays bounded) and its status, or {@code aborted} when the client went
 *       away before the answer was complete;</li>
 *   <li>{@code artifactstore_http_server_requests_active}: requests in flight, which an
 *       abandoned request leaves too;</li>
 *   <li>{@code artifactstore_http_errors_total}: error answers by catalogued code.</li>
 * </ul>
 */
public final class HttpMetrics {

  /** Buckets of the latency histogram, from a cached GET to a multi-gigabyte transfer. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300)};

  /** The route label of a request that matched no resource. */
  public static final String UNMATCHED = "unmatched";

  private final MeterRegistry registry;
  private final AtomicInteger active = new AtomicInteger();

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("artifactstore.http.server.requests.active", active::get)
        .description("HTTP requests being served").register(registry);
  }

  /** One request being served; it is counted once, however many signals say it ended. */
  public final class Request {
    private final long startedNanos = System.nanoTime();
    private final String method;
    private final java.util.concurrent.atomic.AtomicBoolean ended =
        new java.util.concurrent.atomic.AtomicBoolean();

    private Request(String method) {
      this.method = method;
    }

    /**
     * The request ended: answered with {@code status}, or abandoned by its client
     * ({@code status} null). Only the first call counts.
     */
    public void ended(String route, Integer status) {
      if (ended.compareAndSet(false, true)) {
        record(startedNanos, method, route, status);
      }
    }
  }

  /** A request with {@code method} begins. */
  public Request began(String method) {
    active.incrementAndGet();
    return new Request(method);
  }

  private void record(long startedNanos, String method, String route, Integer status) {
    active.decrementAndGet();
    Timer.builder("artifactstore.http.server.requests")
        .description("HTTP requests by method, route template and status")
        .tag("method", method)
        .tag("route", route == null ? UNMATCHED : route)
        .tag("status", status == null ? "aborted" : Integer.toString(status))
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** An error answer with the catalogued {@code code}. */
  public void error(String code) {
    Counter.builder("artifactstore.http.errors").description("Error answers by code")
        .tag("code", code).register(registry).increment();
  }

  /** Requests in flight now. */
  public int active() {
    return active.get();
  }
}
