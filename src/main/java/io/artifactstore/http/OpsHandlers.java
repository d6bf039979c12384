package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.hashing.Blake3Kernels;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;

/** Operations routes: health, metrics, the OpenAPI document. */
final class OpsHandlers {

  private static final long CHECK_TIMEOUT_MS = 5_000;
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final Buffer openApi;
  private final HealthChecks checks;
  private final PrometheusMeterRegistry prometheus;

  private final JsonObject security;
  private final java.util.function.BooleanSupplier draining;

  /**
   * {@code security} is reported as is by {@code /health}: how callers are authenticated;
   * {@code draining} says that the server is stopping.
   */
  OpsHandlers(Vertx vertx, PrometheusMeterRegistry prometheus, JsonObject security,
      java.util.function.BooleanSupplier draining) {
    this.draining = draining;
    this.security = security;
    this.openApi = resource("docs/openapi.yaml");
    this.prometheus = prometheus;
    this.checks = HealthChecks.create(vertx)
        .register("database", CHECK_TIMEOUT_MS, p ->
            Bus.<JsonObject>request(vertx, Addresses.REGISTRY_HEALTH, new JsonObject())
                .onSuccess(d -> p.complete(Status.OK(d)))
                .onFailure(e -> p.complete(Status.KO(new JsonObject().put("reason", e.getMessage())))))
        .register("storage", CHECK_TIMEOUT_MS, p ->
            Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_HEALTH, new JsonObject())
                .onSuccess(d -> p.complete(d.getBoolean("up") ? Status.OK(d) : Status.KO(d)))
                .onFailure(e -> p.complete(Status.KO(new JsonObject().put("reason", e.getMessage())))));
  }

  /**
   * {@code GET /health}: the database (through the registry) and every storage backend (through
   * the data plane); 200 when all are up, 503 with the failing check's detail otherwise.
   * {@code {status: UP|DOWN, checks: [{id, status, data}], outcome, degraded}}: degraded when
   * a storage backend is below its free-space threshold; {@code security}: {@code
   * {anonymous_roles: [..], anonymous: "<why>", authentication: ["api_token"]}}; {@code
   * hashing}: {@code {blake3_kernel: "scalar"|"vector-256-bit"|.., lanes, reason, jdk,
   * warmed_up}}.
   */
  Future<Representation> health(RoutingContext ctx) {
    return checks.checkStatus().map(result -> {
      JsonObject json = result.toJson();
      json.put("outcome", json.getString("status"));
      // Up but low on storage space: still serving (reads), uploads may be refused with 507.
      boolean degraded = json.getJsonArray("checks", new io.vertx.core.json.JsonArray()).stream()
          .map(c -> ((JsonObject) c).getJsonObject("data", new JsonObject()))
          .anyMatch(d -> d.getBoolean("degraded", false));
      json.put("degraded", degraded);
      json.put("security", security.copy());
      json.put("hashing", hashing());
      return new Representation(result.getUp() ? 200 : 503, "application/json", json.toBuffer(),
          null, null);
    });
  }

  /**
   * {@code GET /health/ready}: as {@code /health}, and 503 {@code {status: DOWN, outcome: DOWN,
   * reason: "draining", checks: []}} once the server is stopping, so that a load balancer sends no new
   * requests to it while it finishes those in flight.
   */
  Future<Representation> ready(RoutingContext ctx) {
    if (draining.getAsBoolean()) {
      return Future.succeededFuture(new Representation(503, "application/json",
          new JsonObject().put("status", "DOWN").put("outcome", "DOWN")
              .put("reason", "draining").put("checks", new io.vertx.core.json.JsonArray())
              .toBuffer(), null, null));
    }
    return health(ctx);
  }

  private static JsonObject hashing() {
    Blake3Kernels.Choice kernel = Blake3Kernels.selected();
    return new JsonObject().put("blake3_kernel", kernel.name()).put("lanes", kernel.lanes())
        .put("reason", kernel.reason()).put("jdk", Runtime.version().feature())
        .put("warmed_up", Blake3Kernels.warmedUp());
  }

  /**
   * {@code GET /health/live}: the process runs and its event loops answer. Liveness for an
   * orchestrator: restart the process when this fails, not when the database is down.
   */
  Future<Representation> live(RoutingContext ctx) {
    return Future.succeededFuture(Representation.json(new JsonObject().put("status", "UP")));
  }

  /**
   * {@code GET /metrics}: Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when the
   * {@code Accept} field asks for {@code application/openmetrics-text}.
   */
  Future<Representation> metrics(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    String type = accept != null && accept.contains("application/openmetrics-text")
        ? OPENMETRICS : PROMETHEUS_TEXT;
    ctx.response().putHeader(HttpHeaders.VARY, "Accept");
    return Future.succeededFuture(new Representation(200, type,
        Buffer.buffer(prometheus.scrape(type)), null, null));
  }

  /** {@code GET /openapi.yaml}: the API description shipped in the jar. */
  Future<Representation> openApi(RoutingContext ctx) {
    return Future.succeededFuture(new Representation(200, "application/yaml", openApi, null,
        null));
  }

  private static Buffer resource(String name) {
    try (InputStream in = OpsHandlers.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
  }
}
