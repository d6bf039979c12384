package io.artifactstore.metrics;

import io.artifactstore.hashing.Blake3Kernels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The service's own meters, beside the HTTP server meters that Vert.x records: bytes in and out
 * of storage, uploads by outcome, downloads.
 */
public final class Metrics {

  private final MeterRegistry registry;
  private final Counter bytesIngested;
  private final Counter bytesServed;
  private final Counter downloads;
  private final Counter deduplicated;
  private final HttpMetrics http;
  private final java.util.concurrent.atomic.AtomicInteger downloadsInFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
    this.bytesIngested = Counter.builder("artifactstore.ingest.bytes")
        .description("Bytes received in uploads and hashed into storage").register(registry);
    this.bytesServed = Counter.builder("artifactstore.served.bytes")
        .description("Bytes sent in file and blob downloads").register(registry);
    this.downloads = Counter.builder("artifactstore.downloads")
        .description("File and blob downloads started (full or ranged)").register(registry);
    this.deduplicated = Counter.builder("artifactstore.uploads.deduplicated")
        .description("Uploads whose content was already stored").register(registry);
    this.http = new HttpMetrics(registry);
    io.micrometer.core.instrument.Gauge.builder("artifactstore.downloads.in.flight",
            downloadsInFlight::get)
        .description("File and blob downloads being sent").register(registry);
    Blake3Kernels.Choice kernel = Blake3Kernels.selected();
    io.micrometer.core.instrument.Gauge.builder("artifactstore.blake3.kernel", () -> 1)
        .description("The BLAKE3 kernel in use (chosen at startup), as labels")
        .tag("kernel", kernel.name()).tag("lanes", Integer.toString(kernel.lanes()))
        .tag("jdk", Integer.toString(Runtime.version().feature())).register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The HTTP server's meters. */
  public HttpMetrics http() {
    return http;
  }

  /**
   * Counts one upload by outcome: stored, rejected (a client error), aborted (the client went
   * away before the answer) or failed.
   */
  public void upload(String outcome, long bytes, boolean wasDeduplicated) {
    Counter.builder("artifactstore.uploads").description("Uploads by outcome")
        .tag("outcome", outcome).register(registry).increment();
    bytesIngested.increment(bytes);
    if (wasDeduplicated) {
      deduplicated.increment();
    }
  }

  /**
   * Gauges of the free and used bytes of every backend whose store reports them (local
   * backends: their filesystem), read at each scrape.
   */
  public void storageSpace(java.util.Map<String, io.artifactstore.storage.StorageBackend> all) {
    all.forEach((id, backend) -> {
      if (backend.space().isEmpty()) {
        return;
      }
      io.micrometer.core.instrument.Gauge.builder("artifactstore.storage.free.bytes", backend,
              b -> b.space().map(s -> (double) s.freeBytes()).orElse(Double.NaN))
          .description("Bytes the backend's store may still take").tag("backend", id)
          .register(registry);
      io.micrometer.core.instrument.Gauge.builder("artifactstore.storage.used.bytes", backend,
              b -> b.space().map(s -> (double) s.usedBytes()).orElse(Double.NaN))
          .description("Bytes in use on the backend's store").tag("backend", id)
          .register(registry);
    });
  }

  /** The gauge of uploads in flight, read from {@code inFlight}. */
  public void uploadsInFlight(java.util.function.IntSupplier inFlight) {
    io.micrometer.core.instrument.Gauge.builder("artifactstore.uploads.in.flight",
            inFlight::getAsInt)
        .description("Uploads whose body is being received or committed").register(registry);
  }

  /**
   * A download of {@code bytes} starts; {@code sent} completes when it ends (fails when the
   * client went away), which the in-flight gauge follows.
   */
  public void download(long bytes, io.vertx.core.Future<?> sent) {
    downloads.increment();
    downloadsInFlight.incrementAndGet();
    sent.onComplete(ar -> {
      downloadsInFlight.decrementAndGet();
      if (ar.succeeded()) {
        bytesServed.increment(bytes);
      } else {
        Counter.builder("artifactstore.downloads.aborted")
            .description("Downloads that ended before all their bytes were sent")
            .register(registry).increment();
      }
    });
  }
}
