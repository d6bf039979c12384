package io.artifactstore;

import io.artifactstore.attestations.AttestationVerticle;
import io.artifactstore.attestations.SigningKeys;
import io.artifactstore.config.AppConfig;
import io.artifactstore.dataplane.AttestationUploads;
import io.artifactstore.dataplane.BlobSender;
import io.artifactstore.dataplane.DataPlaneVerticle;
import io.artifactstore.dataplane.UploadSlots;
import io.artifactstore.dataplane.Uploads;
import io.artifactstore.db.Database;
import io.artifactstore.db.Migrations;
import io.artifactstore.hashing.Blake3Kernels;
import io.artifactstore.http.ClientGone;
import io.artifactstore.http.FileRefCache;
import io.artifactstore.http.HttpVerticle;
import io.artifactstore.cluster.ClusterVerticle;
import io.artifactstore.integration.BridgeVerticle;
import io.artifactstore.integration.GatewayVerticle;
import io.artifactstore.integration.NotifierVerticle;
import io.artifactstore.integrity.IntegrityVerticle;
import io.artifactstore.metrics.Metrics;
import io.artifactstore.registry.LogicalPath;
import io.artifactstore.registry.MediaType;
import io.artifactstore.registry.RegistryVerticle;
import io.artifactstore.retention.RetentionVerticle;
import io.artifactstore.security.AnonymousAccess;
import io.artifactstore.security.Authenticator;
import io.artifactstore.security.CallerLimits;
import io.artifactstore.security.LinkSigner;
import io.artifactstore.security.OidcVerifier;
import io.artifactstore.security.Role;
import io.artifactstore.security.SecurityVerticle;
import io.artifactstore.storage.StorageBackends;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One running server: the storage backends (claimed: a local root is locked against a second
 * server) and the database, then the control plane (registry,
 * retention, security), then the data plane, then the HTTP verticles, deployed in that order and stopped
 * in the reverse order, the database last.
 */
public final class Application {

  private static final Logger LOG = Logger.getLogger(Application.class.getName());
  /** Held here: java.util.logging keeps loggers weakly, and with them their filter. */
  private static final Logger MICROMETER_LOG =
      Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  private final Vertx vertx;
  private final StorageBackends backends;
  private final Database db;
  private final int port;
  private final int managementPort;
  /** Deployment ids in the order of deployment. */
  private final List<String> deployments;
  private final AppConfig config;
  private final Uploads uploads;
  private Future<Void> stopped;

  private Application(Vertx vertx, AppConfig config, Uploads uploads, StorageBackends backends,
      Database db, int port, int managementPort, List<String> deployments) {
    this.config = config;
    this.uploads = uploads;
    this.managementPort = managementPort;
    this.vertx = vertx;
    this.backends = backends;
    this.db = db;
    this.port = port;
    this.deployments = List.copyOf(deployments);
  }

  /** A Vert.x instance whose HTTP and pool metrics go to {@code registry}. */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    // vertx-micrometer registers its event-bus handler gauge twice at startup; Micrometer
    // ignores the second and warns. Drop that one warning, keep every other.
    MICROMETER_LOG.setFilter(r -> r.getMessage() == null
        || !(r.getMessage().contains("already registered")
            && r.getMessage().contains("vertx.eventbus.handlers")));
    ClientGone.quietVertxTransferErrors();
    // The HTTP server's meters are the service's own (metrics.HttpMetrics): Vert.x's count an
    // abandoned download as active forever.
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(
            new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
                .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Starts and claims the storage backends ({@link StorageBackends#claim}), migrates the schema
   * (on a worker thread) and deploys everything on {@code vertx}. Fails, having closed what it
   * started, with the first failure: a {@link io.artifactstore.storage.StorageException} whose
   * message names the holder when another server holds a local root.
   */
  public static Future<Application> start(Vertx vertx, AppConfig config, Clock clock,
      PrometheusMeterRegistry registry) {
    Metrics metrics = new Metrics(registry);
    AnonymousAccess anonymous;
    try {
      anonymous = AnonymousAccess.resolve(config);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    if (anonymous.roles().contains(Role.ADMIN)) {
      LOG.warning("no authentication: " + anonymous.reason());
    } else {
      LOG.info("authentication: " + anonymous.reason());
    }
    Blake3Kernels.Choice kernel = Blake3Kernels.selected();
    LOG.info("BLAKE3 kernel: " + kernel.name() + " (" + kernel.reason() + ")");
    int instances = config.http().instances() > 0
        ? config.http().instances() : Runtime.getRuntime().availableProcessors();
    AtomicInteger port = new AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<SigningKeys> signingKeys =
        new java.util.concurrent.atomic.AtomicReference<>();
    return StorageBackends.create(vertx, config.storage().defaultBackend(),
            config.storage().backends())
        .compose(backends -> vertx.executeBlocking(() -> owner(config, clock), false)
            .compose(backends::claim)
            .compose(claimed -> vertx.executeBlocking(() -> {
              Migrations.apply(config.database());
              signingKeys.set(config.attestations().signingKeysFile().isEmpty() ? null
                  : SigningKeys.load(config.attestations().signingKeysFile().get(), clock));
              return LinkSigner.load(config.security().links().keysFile(), clock);
            }))
            .compose(links -> {
              // One pool for the control plane: SQLite has one writer, and one connection.
              Database db = Database.open(vertx, config.database());
              OidcVerifier oidc = config.security().oidc()
                  .map(o -> new OidcVerifier(vertx, o)).orElse(null);
              Authenticator authenticator = new Authenticator(vertx, anonymous,
                  config.security().tokenCacheTtl(), clock, oidc, links);
              return (oidc == null ? Future.<Void>succeededFuture() : oidc.start())
                  .compose(v -> deployAll(vertx, config, clock, metrics, instances, port,
                      backends, db, authenticator, signingKeys.get()));
            })
            // Closing gives up what was claimed: a server that did not start holds no root.
            .recover(e -> backends.close().transform(closed -> Future.failedFuture(e))));
  }

  /**
   * Who this server is, for the storage it claims: {@code {host, pid, started, listening?}},
   * {@code listening} only when the port is fixed in configuration. Blocking: the host name may
   * need a lookup.
   */
  private static JsonObject owner(AppConfig config, Clock clock) {
    JsonObject owner = new JsonObject()
        .put("host", hostName())
        .put("pid", ProcessHandle.current().pid())
        .put("started", clock.instant().toString());
    if (config.http().port() != 0) {
      owner.put("listening", config.http().scheme() + "://" + config.http().host() + ":"
          + config.http().port());
    }
    return owner;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "unknown";
    }
  }

  private static Future<Application> deployAll(Vertx vertx, AppConfig config, Clock clock,
      Metrics metrics, int instances, AtomicInteger port, StorageBackends backends, Database db,
      Authenticator authenticator, SigningKeys signingKeys) {
    List<String> ids = new ArrayList<>();
    AtomicInteger managementPort = new AtomicInteger();
    UploadSlots slots = new UploadSlots(config.http().maxConcurrentUploads());
    CallerLimits callers = new CallerLimits(config.security().perCaller().requestsPerSecond(),
        config.security().perCaller().maxConcurrentUploads(), clock);
    metrics.uploadsInFlight(slots::inFlight);
    Uploads uploads = new Uploads(vertx, config, backends, metrics, slots);
    AttestationUploads attestationUploads =
        new AttestationUploads(vertx, uploads, config.attestations());
    BlobSender sender = new BlobSender(backends);
    metrics.storageSpace(backends.all());
    FileRefCache fileRefs = new FileRefCache();
    return vertx.deployVerticle(new ClusterVerticle(config, db, fileRefs, authenticator::forget)).onSuccess(ids::add)
        .compose(id -> vertx.deployVerticle(new RegistryVerticle(config, clock, db, signingKeys)))
        .onSuccess(ids::add)
        .compose(id -> vertx.deployVerticle(new RetentionVerticle(config, clock, db)))
        .onSuccess(ids::add)
        .compose(id -> vertx.deployVerticle(new SecurityVerticle(config, clock, db)))
        .onSuccess(ids::add)
        .compose(id -> vertx.deployVerticle(new DataPlaneVerticle(backends))).onSuccess(ids::add)
        .compose(id -> vertx.deployVerticle(new AttestationVerticle(db))).onSuccess(ids::add)
        .compose(id -> vertx.deployVerticle(new IntegrityVerticle(config, clock, db)))
        .onSuccess(ids::add)
        .compose(id -> vertx.deployVerticle(new NotifierVerticle(db, clock, authenticator,
            callers, config.integration().eventsPollInterval())))
        .onSuccess(ids::add)
        .compose(id -> vertx.deployVerticle(new GatewayVerticle(config, authenticator, uploads,
            callers)))
        .onSuccess(ids::add)
        .compose(id -> config.integration().bridge().isEmpty() ? Future.succeededFuture(id)
            : vertx.deployVerticle(new BridgeVerticle(config.integration().bridge().get(),
                authenticator))
                .onSuccess(ids::add))
        .compose(id -> vertx.deployVerticle(
            () -> new HttpVerticle(config, uploads, attestationUploads, sender, metrics, callers,
                authenticator,
                clock, fileRefs, port::set, managementPort::set),
            new DeploymentOptions().setInstances(instances)
                .setThreadingModel(ThreadingModel.EVENT_LOOP)))
        .onSuccess(ids::add)
        .map(id -> new Application(vertx, config, uploads, backends, db, port.get(),
            managementPort.get(), ids))
        .recover(e -> undeploy(vertx, ids).eventually(() -> db.close())
            .transform(v -> Future.failedFuture(e)));
  }

  /** The port of the management listener (health, metrics), 0 when it is off. */
  public int managementPort() {
    return managementPort;
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

  /**
   * Stores {@code body} as the file {@code path} of the open package {@code packageId}: the
   * in-process way in for a service that embeds the store ({@link ArtifactStore#deploy}),
   * through the same upload path as an HTTP {@code PUT} ({@link Uploads}: upload slot, package
   * check, one pass through SHA-256 and BLAKE3, digest check, lease, commit). {@code body} must
   * be paused; it is read once the package and path are accepted, at its own pace.
   *
   * <p>In-process code is trusted as the server itself is: no credentials are checked, and
   * {@code actor} is recorded as the event's actor. {@code expectedSha256} (32 bytes) may be
   * null. Answers the file's record ({@code {path, size, sha256, blake3, media_type, ...}});
   * fails with the HTTP API's errors as {@link io.artifactstore.error.ApiException}s
   * ({@code invalid_path}, {@code package_not_found}, {@code package_finalized},
   * {@code file_exists}, {@code digest_mismatch}, {@code file_too_large},
   * {@code request_timeout} for a body that stalls, {@code storage_unavailable}, ...), or with
   * the stream's own failure; nothing is stored then.
   */
  public Future<JsonObject> upload(String packageId, String path, ReadStream<Buffer> body,
      String mediaType, byte[] expectedSha256, String actor) {
    try {
      Uploads.Target target = new Uploads.Target(packageId,
          LogicalPath.validate(path, config.limits()), false,
          mediaType == null ? null : MediaType.of(mediaType), expectedSha256, actor, null);
      return uploads.store(target, body, Promise.<Void>promise().future(), () -> { });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Stops the server, once, in the reverse order of deployment: the HTTP verticles first (they
   * stop accepting and give requests in flight their grace period, see
   * {@link HttpVerticle#stop}), so that an upload finishing during the grace period still finds
   * the data plane and the control plane; then the data plane, the retention and registry
   * verticles; then the storage backends; the database last. The Vert.x instance stays open.
   */
  public synchronized Future<Void> stop() {
    if (stopped == null) {
      stopped = undeploy(vertx, deployments)
          .eventually(backends::close)
          .eventually(db::close);
    }
    return stopped;
  }

  /** Undeploys {@code ids} one after the other, last first; a failure does not stop the rest. */
  private static Future<Void> undeploy(Vertx vertx, List<String> ids) {
    Future<Void> done = Future.succeededFuture();
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      done = done.compose(v -> vertx.undeploy(id).recover(e -> {
        LOG.log(Level.WARNING, "undeploying " + id + " failed", e);
        return Future.succeededFuture();
      }));
    }
    return done;
  }
}
