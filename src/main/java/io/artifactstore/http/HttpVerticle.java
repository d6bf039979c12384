package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.config.AppConfig;
import io.artifactstore.dataplane.BlobSender;
import io.artifactstore.metrics.Metrics;
import io.artifactstore.storage.StorageBackends;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The HTTP API (v1) and the operations routes. Several instances share the port, one per event
 * loop; each runs the uploads and downloads of the connections it owns.
 */
public final class HttpVerticle extends VerticleBase {

  static final int MAX_CHUNK_BYTES = 256 * 1024;
  private static final Logger LOG = Logger.getLogger(HttpVerticle.class.getName());
  private static final Pattern FILE_ROUTE = Pattern.compile("/v1/packages/[^/]+/files/");

  private final AppConfig config;
  private final StorageBackends backends;
  private final Metrics metrics;
  private final IntConsumer boundPort;
  private HttpServer server;

  /** {@code boundPort} is told the port once listening (useful when configured as 0). */
  public HttpVerticle(AppConfig config, StorageBackends backends, Metrics metrics,
      IntConsumer boundPort) {
    this.config = config;
    this.backends = backends;
    this.metrics = metrics;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    Router router = router();
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setCompressionSupported(false)
        // Body chunks of 8 KiB (the default) cost a write and a hashing hand-off each;
        // larger chunks cut the per-chunk overhead of uploads by an order of magnitude.
        .setMaxChunkSize(MAX_CHUNK_BYTES)
        .setIdleTimeout(300));
    // A client that goes away mid-transfer (a cut download, an abandoned upload) is routine:
    // handled here so that it is not logged as an error; anything else is.
    server.connectionHandler(conn -> conn.exceptionHandler(e -> {
      if (!ErrorHandling.clientWentAway(e)) {
        LOG.log(Level.WARNING, "connection from " + conn.remoteAddress() + " failed", e);
      }
    }));
    return server.requestHandler(router).listen()
        .onSuccess(s -> boundPort.accept(s.actualPort()));
  }

  /**
   * Stops accepting connections, gives requests in flight (uploads above all) a grace period
   * to finish, then closes what is left; an upload cut off then is cancelled and leaves
   * nothing behind.
   */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }

  /** Seconds in-flight requests get to finish when the server stops. */
  static final long SHUTDOWN_GRACE_SECONDS = 20;

  Router router() {
    Router router = Router.router(vertx);
    Downloads downloads = new Downloads(new BlobSender(backends), metrics);
    PackageHandlers packages = new PackageHandlers(vertx);
    FileHandlers files = new FileHandlers(vertx, config, backends, downloads, metrics);
    BlobHandlers blobs = new BlobHandlers(vertx, downloads);
    OpsHandlers ops = new OpsHandlers();
    RetentionHandlers retention = new RetentionHandlers(vertx);
    BodyHandler json = BodyHandler.create(false)
        .setBodyLimit(config.http().maxJsonBodyBytes())
        .setHandleFileUploads(false);

    // Paths are matched after normalization ("a/../b" becomes "b"), so file paths are checked
    // on the raw request path first: a bad logical path is invalid_path, never another route.
    router.route().handler(ctx -> {
      if (FILE_ROUTE.matcher(ctx.request().path()).lookingAt()) {
        files.logicalPath(ctx);
      }
      ctx.next();
    });
    router.post("/v1/packages").handler(json).handler(packages::create);
    router.get("/v1/packages").handler(packages::list);
    router.get("/v1/packages/:id").handler(packages::get);
    router.post("/v1/packages/:id/finalize").handler(json).handler(packages::finalizePackage);
    router.get("/v1/packages/:id/manifest").handler(packages::manifest);
    router.delete("/v1/packages/:id").handler(json).handler(retention::delete);
    router.get("/v1/packages/:id/retention").handler(retention::status);
    router.post("/v1/packages/:id/retention").handler(json).handler(retention::extend);
    router.post("/v1/packages/:id/holds").handler(json).handler(retention::placeHold);
    router.delete("/v1/packages/:id/holds/:hold_id").handler(json).handler(retention::releaseHold);
    router.get("/v1/packages/:id/events").handler(retention::packageEvents);
    router.get("/v1/retention/eligible").handler(retention::eligible);
    router.post("/v1/retention/sweep").handler(json).handler(retention::sweep);
    router.get("/v1/events").handler(retention::feed);
    router.get("/v1/audit/verify").handler(retention::verify);
    // No body handler on uploads: the body is streamed, never buffered.
    router.put("/v1/packages/:id/files/*").handler(files::upload);
    router.post("/v1/packages/:id/files/*").handler(json).handler(files::addByDigest);
    router.get("/v1/stats").handler(packages::stats);
    router.post("/v1/packages/:id/verify").handler(packages::verify);
    router.route("/v1/packages/:id/files/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(files::download);
    router.route("/v1/blobs/:algorithm/:hex").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(blobs::download);

    vertx.eventBus().<JsonObject>consumer(Addresses.PACKAGE_CHANGED,
        m -> files.packageChanged(m.body().getString("id")));
    router.get("/health").handler(OpsHandlers.health(vertx));
    if (metrics.registry() instanceof PrometheusMeterRegistry prometheus) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
    router.get("/openapi.yaml").handler(ops::openApi);
    router.get("/v1/openapi.yaml").handler(ops::openApi);
    ErrorHandling.install(router);
    return router;
  }
}
