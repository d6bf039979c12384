package io.artifactstore;

import io.artifactstore.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * Embeds artifact-store in a service's own Vert.x instance: the same verticles {@code serve}
 * runs (control plane, data plane, HTTP listener, notifier, bus gateway, and the TCP bridge
 * when configured), deployed into {@code vertx}, after the database migrations. Co-deployed
 * code then talks to it over the event bus ({@link io.artifactstore.integration.StoreClient},
 * docs/event-bus.md).
 *
 * <pre>{@code
 * AppConfig config = ConfigLoader.load(Path.of("artifact-store.json"), System.getenv());
 * ArtifactStore.deploy(vertx, config)
 *     .onSuccess(store -> LOG.info("artifact-store on port " + store.port()));
 * }</pre>
 *
 * <p>The HTTP and pool metrics of {@code serve} need a Vert.x built by
 * {@link Application#newVertx}; in a Vert.x of the service's own the store's meters are still
 * served at {@code /metrics}. {@link Application#stop} undeploys it and closes its database and
 * backends, leaving {@code vertx} running.
 */
public final class ArtifactStore {

  private ArtifactStore() {}

  /** Deploys the store into {@code vertx}; fails as {@code serve} would fail to start. */
  public static Future<Application> deploy(Vertx vertx, AppConfig config) {
    return Application.start(vertx, config, Clock.systemUTC(), Application.newRegistry());
  }
}
