package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.CacheInvalidation;
import io.artifactstore.config.AppConfig;
import io.artifactstore.dataplane.AttestationUploads;
import io.artifactstore.dataplane.BlobSender;
import io.artifactstore.dataplane.Uploads;
import io.artifactstore.metrics.HttpMetrics;
import io.artifactstore.metrics.Metrics;
import io.artifactstore.security.Authenticator;
import io.artifactstore.security.CallerLimits;
import io.artifactstore.security.Role;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
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

  /**
   * Largest piece of a request body Vert.x hands over, in bytes. A paused request keeps up to 16
   * pieces in Vert.x's own queue, on the heap, until it is resumed: at 64 KiB pieces sixteen
   * uploads held 16 MiB there, long enough to be promoted, and the old generation filled every
   * ~100 ms (a 40 ms full collection each time). 16 KiB pieces bound that queue to 256 KiB per
   * upload; the upload pipeline gathers pieces into 256 KiB slabs, so small pieces cost one copy
   * each, not a hand-off.
   */
  static final int MAX_CHUNK_BYTES = 16 * 1024;
  private static final Logger LOG = Logger.getLogger(HttpVerticle.class.getName());
  private static final Pattern FILE_ROUTE = Pattern.compile("/v1/packages/[^/]+/files/");
  /** The methods of the file resource; another is 405 whatever its path. */
  private static final java.util.Set<HttpMethod> FILE_METHODS =
      java.util.Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.POST);

  private final AppConfig config;
  private final Uploads uploads;
  private final AttestationUploads attestationUploads;
  private final BlobSender sender;
  private final Metrics metrics;
  private final IntConsumer boundPort;
  private final Authenticator authenticator;
  private final java.time.Clock clock;
  private final IntConsumer boundManagementPort;
  private final CallerLimits callers;
  private final FileRefCache fileRefs;
  private HttpServer server;
  private HttpServer management;
  /** Set when the stop begins: readiness answers 503 from then on. */
  private volatile boolean draining;

  /**
   * {@code uploads} and {@code sender} are the data plane's ways in and out (shared by every
   * HTTP verticle; {@code uploads} bounds the uploads in flight);
   * {@code boundPort} is told the port once listening (useful when configured as 0), and
   * {@code boundManagementPort} the management listener's;
   * {@code authenticator} (shared by every HTTP verticle) identifies callers, and
   * {@code callers} holds their limits; {@code fileRefs} is the server's cache of file
   * references (shared by every HTTP verticle, invalidated by cluster.ClusterVerticle).
   */
  public HttpVerticle(AppConfig config, Uploads uploads, AttestationUploads attestationUploads,
      BlobSender sender, Metrics metrics, CallerLimits callers, Authenticator authenticator,
      java.time.Clock clock, FileRefCache fileRefs,
      IntConsumer boundPort, IntConsumer boundManagementPort) {
    this.fileRefs = fileRefs;
    this.boundManagementPort = boundManagementPort;
    this.callers = callers;
    this.authenticator = authenticator;
    this.clock = clock;
    this.config = config;
    this.uploads = uploads;
    this.attestationUploads = attestationUploads;
    this.sender = sender;
    this.metrics = metrics;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    Router router = router();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setCompressionSupported(false)
        .setMaxChunkSize(MAX_CHUNK_BYTES)
        .setIdleTimeout(300);
    config.http().tls().ifPresent(tls -> options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(tls.certificateChain().toString())
            .setKeyPath(tls.privateKey().toString()))
        // HTTP/2 for clients that offer it (RFC 7301 ALPN), HTTP/1.1 for the others.
        .setUseAlpn(true)
        .setAlpnVersions(java.util.List.of(io.vertx.core.http.HttpVersion.HTTP_2,
            io.vertx.core.http.HttpVersion.HTTP_1_1)));
    server = vertx.createHttpServer(options);
    // A client that goes away mid-transfer (a cut download, an abandoned upload) is routine, and
    // so is a request the HTTP codec cannot parse (answered by ErrorHandling.invalidRequest):
    // neither is logged as an error; anything else is.
    server.connectionHandler(conn -> conn.exceptionHandler(e -> {
      if (ErrorHandling.malformedByClient(e)) {
        LOG.log(Level.FINE, "malformed input from " + conn.remoteAddress() + ": " + e);
      } else if (!ClientGone.is(e)) {
        LOG.log(Level.WARNING, "connection from " + conn.remoteAddress() + " failed", e);
      }
    }));
    server.invalidRequestHandler(req -> ErrorHandling.invalidRequest(req, metrics.http()));
    HttpMetrics http = metrics.http();
    Future<?> api = server.requestHandler(req -> frontDoor(req, router, http)).listen()
        .onSuccess(s -> boundPort.accept(s.actualPort()));
    if (config.http().management().isEmpty()) {
      return api;
    }
    AppConfig.Management m = config.http().management().get();
    Router ops = managementRouter();
    management = vertx.createHttpServer(new HttpServerOptions().setHost(m.host())
        .setPort(m.port()).setCompressionSupported(false).setIdleTimeout(60));
    return api.compose(v -> management.requestHandler(ops).listen())
        .onSuccess(s -> boundManagementPort.accept(s.actualPort()));
  }

  /**
   * Stops accepting connections, gives requests in flight (uploads above all) the grace period
   * of {@code http.shutdown_grace} to finish, then closes what is left; an upload cut off then
   * is cancelled and leaves nothing behind. From the start, {@code /health/ready} answers 503
   * (on the management listener, which answers until the API has drained).
   */
  @Override
  public Future<?> stop() {
    draining = true;
    Future<?> api = server == null ? Future.succeededFuture()
        : server.shutdown(config.http().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
    // Health and metrics answer until the API has drained, then go.
    return management == null ? api : api.eventually(() -> management.close());
  }

  /**
   * What is checked before routing, for every request: the request target (a path whose
   * escapes are UTF-8; RFC 9112 section 3.2) and {@code Expect} (only {@code 100-continue} is
   * met; RFC 9110 section 10.1.1: otherwise 417).
   */
  private static void frontDoor(HttpServerRequest req, Router router, HttpMetrics http) {
    try {
      RequestTarget.check(req.uri());
      String expect = req.getHeader(HttpHeaders.EXPECT);
      if (expect != null && !expect.trim().equalsIgnoreCase("100-continue")) {
        throw new ApiException(ErrorCode.EXPECTATION_FAILED, "Expect: " + expect
            + " cannot be met; only 100-continue is");
      }
    } catch (ApiException e) {
      ErrorHandling.refuse(req, e, http);
      return;
    }
    router.handle(req);
  }

  /**
   * The operations routes: {@code /health} and {@code /metrics} for callers with
   * {@code security.operations_role} (anyone when empty), {@code /health/live} and
   * {@code /health/ready} for anyone (probes send no credentials).
   */
  private void operations(Resources api, OpsHandlers ops) {
    String role = config.security().operationsRole();
    AccessControl.Policy operators = role.isEmpty() ? AccessControl.anyone()
        : AccessControl.service(Role.of(role));
    api.at("/health").get(operators, ops::health).done();
    api.at("/health/ready").get(AccessControl.anyone(), ops::ready).done();
    api.at("/health/live").get(AccessControl.anyone(), ops::live).done();
    if (metrics.registry() instanceof PrometheusMeterRegistry) {
      api.at("/metrics").get(operators, ops::metrics).done();
    }
  }

  /**
   * The management listener's routes ({@code management.*}): the operations routes alone, on
   * their own port, with {@code Date} on every answer and the same error bodies.
   */
  Router managementRouter() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.DATE, HttpDates.now());
      ctx.next();
    });
    // The same Host check as the API's (DNS rebinding); no CORS here.
    router.route().handler(new BrowserGuard(config.security().allowedHosts(),
        java.util.List.of())::handle);
    AccessControl access = new AccessControl(vertx, authenticator, null);
    router.route().handler(access::authenticate);
    operations(new Resources(router, access), new OpsHandlers(vertx,
        metrics.registry() instanceof PrometheusMeterRegistry p ? p : null,
        authenticator.describe(), () -> draining));
    ErrorHandling.install(router);
    return router;
  }

  Router router() {
    Router router = Router.router(vertx);
    Downloads downloads = new Downloads(sender, metrics);
    PackageHandlers packages = new PackageHandlers(vertx);
    FileHandlers files = new FileHandlers(vertx, config, uploads, downloads, callers, fileRefs);
    BlobHandlers blobs = new BlobHandlers(vertx, downloads);
    OpsHandlers ops = new OpsHandlers(vertx,
        metrics.registry() instanceof PrometheusMeterRegistry p ? p : null,
        authenticator.describe(), () -> draining);
    RetentionHandlers retention = new RetentionHandlers(vertx);
    BodyHandler json = BodyHandler.create(false)
        .setBodyLimit(config.http().maxJsonBodyBytes())
        .setHandleFileUploads(false);

    HttpMetrics httpMetrics = metrics.http();
    router.route().handler(ctx -> {
      HttpMetrics.Request counted = httpMetrics.began(ctx.request().method().name());
      ctx.put(HttpMetrics.class.getName(), httpMetrics);
      ctx.put(HttpMetrics.Request.class.getName(), counted);
      // Runs when the answer is complete, and when the client goes away before that (but for
      // a file transfer, whose end Downloads reports).
      ctx.addEndHandler(done -> counted.ended(ctx.get(Resources.ROUTE),
          done.succeeded() ? ctx.response().getStatusCode() : null));
      // Every answer carries Date (RFC 9110 section 6.6.1).
      ctx.response().putHeader(HttpHeaders.DATE, HttpDates.now());
      // Paths are matched after normalization ("a/../b" becomes "b"), so file paths are
      // checked on the raw request path first: a bad logical path is invalid_path, never
      // another route.
      if (FILE_ROUTE.matcher(ctx.request().path()).lookingAt()
          && FILE_METHODS.contains(ctx.request().method())) {
        files.logicalPath(ctx);
      }
      ctx.next();
    });
    BrowserGuard browsers = new BrowserGuard(config.security().allowedHosts(),
        config.security().corsOrigins());
    router.route().handler(browsers::handle);
    AccessControl access = new AccessControl(vertx, authenticator, callers);
    router.route().handler(access::authenticate);
    Resources api = new Resources(router, access);
    // Who may call what: docs/security.md holds this table.
    AccessControl.Policy everyone = AccessControl.anyone();
    AccessControl.Policy readAll = AccessControl.service(Role.READER);
    AccessControl.Policy adminOnly = AccessControl.service(Role.ADMIN);
    AccessControl.Policy readPackage = access.onPackage(Role.READER, Role.PRODUCER);
    AccessControl.Policy writePackage = access.onPackage(Role.PRODUCER);
    AccessControl.Policy retainPackage = access.onPackage(Role.RETENTION_ADMIN);
    api.at("/v1/packages").get(readAll, packages::list)
        .post(AccessControl.createPackage(), json, packages::create).done();
    api.at("/v1/packages/:id").get(readPackage, packages::get)
        .delete(retainPackage, json, retention::delete).done();
    api.at("/v1/packages/:id/finalize").post(writePackage, json, packages::finalizePackage)
        .done();
    api.at("/v1/packages/:id/manifest").get(readPackage, packages::manifest).done();
    api.at("/v1/packages/:id/manifest.intoto.json").get(readPackage, packages::signedManifest)
        .done();
    api.at("/v1/keys").get(everyone, packages::keys).done();
    // No body is wanted, but one sent is read (JSON only) so the connection stays usable.
    api.at("/v1/packages/:id/verify").post(access.onPackage(Role.ADMIN), json, packages::verify)
        .done();
    api.at("/v1/packages/:id/retention").get(readPackage, retention::status)
        .post(retainPackage, json, retention::extend).done();
    api.at("/v1/packages/:id/holds").post(retainPackage, json, retention::placeHold).done();
    api.at("/v1/packages/:id/holds/:hold_id").delete(retainPackage, json, retention::releaseHold)
        .done();
    api.at("/v1/packages/:id/events").get(readPackage, retention::packageEvents).done();
    api.at("/v1/packages/:id/links").post(readPackage, json,
        new LinkHandlers(vertx, config, authenticator.links(), clock)::create).done();
    // No body handler on uploads: the body is streamed, never buffered.
    api.at("/v1/packages/:id/files/*")
        .getStreamed(access.readFile(), files::download, files::current)
        .put(writePackage, files::checkUpload, files::upload)
        .post(access.addByDigest(), json, files::addByDigest).done();
    api.at("/v1/blobs").get(readAll, blobs::bySize).done();
    // Archivista's API (docs/attestations.md): attestations are the packages of one producer.
    ArchivistaHandlers archivista = new ArchivistaHandlers(vertx, attestationUploads, downloads,
        callers);
    String attestor = config.attestations().producer();
    AccessControl.Policy attest = AccessControl.forProducer(attestor, Role.PRODUCER);
    AccessControl.Policy readAttestations =
        AccessControl.forProducer(attestor, Role.READER, Role.PRODUCER);
    api.at("/v1/packages/:id/attestations").get(readPackage, archivista::attached)
        .post(writePackage, null, archivista::attach).done();
    for (String prefix : new String[] {"", "/v1"}) {
      api.at(prefix + "/upload").post(attest, null, archivista::upload).done();
      api.at(prefix + "/download/:gitoid")
          .getStreamed(readAttestations, archivista::download, Resources.NO_STATE).done();
      api.at(prefix + "/query").post(readAttestations, json, archivista::query).done();
    }
    api.at("/v1/blobs/:algorithm/:hex")
        .getStreamed(readAll, blobs::download, Resources.NO_STATE).done();
    api.at("/v1/retention/eligible").get(readAll, retention::eligible).done();
    api.at("/v1/retention/sweep").post(adminOnly, json, retention::sweep).done();
    api.at("/v1/events").get(readAll, retention::feed).done();
    api.at("/v1/audit/verify").get(readAll, retention::verify).done();
    api.at("/v1/stats").get(readAll, packages::stats).done();
    api.at("/v1/admin/fsck").post(adminOnly, json, new AdminHandlers(vertx)::fsck).done();
    TokenHandlers tokens = new TokenHandlers(vertx, authenticator.anonymous().reason());
    api.at("/v1/tokens").get(adminOnly, tokens::list).post(adminOnly, json, tokens::create)
        .done();
    api.at("/v1/tokens/:token_id").get(adminOnly, tokens::get)
        .delete(adminOnly, json, tokens::revoke).done();
    api.at("/v1/identity").get(everyone, tokens::identity).done();
    if (config.http().management().isEmpty()) {
      operations(api, ops);
    }
    api.at("/openapi.yaml").get(everyone, ops::openApi).done();
    api.at("/v1/openapi.yaml").get(everyone, ops::openApi).done();

    ErrorHandling.install(router);
    return router;
  }
}
