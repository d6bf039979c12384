package io.artifactstore;

import io.artifactstore.config.AppConfig;
import io.artifactstore.dataplane.DataPlaneVerticle;
import io.artifactstore.db.Database;
import io.artifactstore.db.Migrations;
import io.artifactstore.http.HttpVerticle;
import io.artifactstore.metrics.Metrics;
import io.artifactstore.registry.RegistryVerticle;
import io.artifactstore.retention.RetentionVerticle;
import io.artifactstore.storage.StorageBackends;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running server: the storage backends, then the control plane (registry), then the data
 * plane, then the HTTP verticles, deployed in that order and closed in reverse.
 */
public final class Application {

  private final Vertx vertx;
  private final StorageBackends backends;
  private final Database db;
  private final int port;

  private Application(Vertx vertx, StorageBackends backends, Database db, int port) {
    this.vertx = vertx;
    this.backends = backends;
    this.db = db;
    this.port = port;
  }

  /** A Vert.x instance whose HTTP and pool metrics go to {@code registry}. */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    // vertx-micrometer registers its event-bus handler gauge twice at startup; Micrometer
    // ignores the second and warns. Drop that one warning, keep every other.
    for (Handler h : Logger.getLogger("").getHandlers()) {
      h.setFilter(r -> r.getMessage() == null
          || !(r.getMessage().contains("already registered")
              && r.getMessage().contains("vertx.eventbus.handlers")));
    }
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(
            new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Migrates the schema (on a worker thread) and deploys everything on {@code vertx}.
   */
  public static Future<Application> start(Vertx vertx, AppConfig config, Clock clock,
      PrometheusMeterRegistry registry) {
    Metrics metrics = new Metrics(registry);
    int instances = config.http().instances() > 0
        ? config.http().instances() : Runtime.getRuntime().availableProcessors();
    AtomicInteger port = new AtomicInteger();
    return vertx.executeBlocking(() -> {
          Migrations.apply(config.database());
          return null;
        })
        .compose(v -> StorageBackends.create(vertx, config.storage().defaultBackend(),
            config.storage().backends()))
        .compose(backends -> {
          // One pool for the control plane: SQLite has one writer, and one connection.
          Database db = Database.open(vertx, config.database());
          return deployAll(vertx, config, clock, metrics, instances, port, backends, db);
        });
  }

  private static Future<Application> deployAll(Vertx vertx, AppConfig config, Clock clock,
      Metrics metrics, int instances, AtomicInteger port, StorageBackends backends, Database db) {
    return vertx.deployVerticle(new RegistryVerticle(config, clock, db))
            .compose(id -> vertx.deployVerticle(new RetentionVerticle(config, clock, db)))
            .compose(id -> vertx.deployVerticle(new DataPlaneVerticle(backends)))
            .compose(id -> vertx.deployVerticle(
                () -> new HttpVerticle(config, backends, metrics, port::set),
                new DeploymentOptions().setInstances(instances)
                .setThreadingModel(ThreadingModel.EVENT_LOOP)))
            .map(id -> new Application(vertx, backends, db, port.get()));
  }

  /** The port the HTTP API listens on. */
  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  public StorageBackends backends() {
    return backends;
  }

  /** Undeploys everything and closes the backends (the Vert.x instance stays open). */
  public Future<Void> stop() {
    Future<Void> undeployed = Future.succeededFuture();
    for (String id : vertx.deploymentIDs()) {
      undeployed = undeployed.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    return undeployed.compose(v -> db.close()).compose(v -> backends.close());
  }
}
