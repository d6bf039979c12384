package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.io.IOException;
import java.io.InputStream;

/** Operations routes: health, the OpenAPI document. Metrics come from vertx-micrometer. */
final class OpsHandlers {

  private static final long CHECK_TIMEOUT_MS = 5_000;

  private final Buffer openApi;

  OpsHandlers() {
    this.openApi = resource("docs/openapi.yaml");
  }

  /**
   * {@code GET /health}: the database (through the registry) and every storage backend (through
   * the data plane); 200 when all are up, 503 with the failing check's detail otherwise.
   */
  static Handler<RoutingContext> health(Vertx vertx) {
    HealthChecks checks = HealthChecks.create(vertx)
        .register("database", CHECK_TIMEOUT_MS, p ->
            Bus.<JsonObject>request(vertx, Addresses.REGISTRY_HEALTH, new JsonObject())
                .onSuccess(d -> p.complete(Status.OK(d)))
                .onFailure(e -> p.complete(Status.KO(new JsonObject().put("reason", e.getMessage())))))
        .register("storage", CHECK_TIMEOUT_MS, p ->
            Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_HEALTH, new JsonObject())
                .onSuccess(d -> p.complete(d.getBoolean("up") ? Status.OK(d) : Status.KO(d)))
                .onFailure(e -> p.complete(Status.KO(new JsonObject().put("reason", e.getMessage())))));
    return HealthCheckHandler.createWithHealthChecks(checks);
  }

  void openApi(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml").end(openApi);
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
