package io.artifactstore.integration;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.config.AppConfig;
import io.artifactstore.dataplane.Uploads;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.registry.LogicalPath;
import io.artifactstore.registry.MediaType;
import io.artifactstore.security.Authenticator;
import io.artifactstore.security.Authorization;
import io.artifactstore.security.CallerLimits;
import io.artifactstore.security.Identity;
import io.artifactstore.security.PackageAccess;
import io.artifactstore.security.Role;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * The public request addresses of {@link BusApi}: each request is read as its record,
 * authorized as the matching HTTP route is (same roles, same producer scopes), and handed to
 * the same control-plane and data-plane services the HTTP handlers use, so the two cannot
 * drift.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(GatewayVerticle.class.getName());

  private final Authenticator authenticator;
  private final AppConfig config;
  private final Uploads uploads;
  private final CallerLimits callers;
  private PackageAccess access;

  public GatewayVerticle(AppConfig config, Authenticator authenticator, Uploads uploads,
      CallerLimits callers) {
    this.config = config;
    this.authenticator = authenticator;
    this.uploads = uploads;
    this.callers = callers;
  }

  private Future<Void> serve(String address,
      BiFunction<Identity, JsonObject, Future<JsonObject>> handler) {
    return PublicAddresses.serve(vertx, authenticator, callers, address, handler);
  }

  @Override
  public Future<?> start() {
    access = new PackageAccess(vertx);
    if (!config.integration().importRoots().isEmpty()) {
      LOG.info("file imports on the event bus from: " + config.integration().importRoots());
    }
    return Future.all(List.of(
        serve(BusApi.PACKAGE_CREATE, this::create),
        serve(BusApi.PACKAGE_GET, this::get),
        serve(BusApi.PACKAGE_FINALIZE,
            this::finalizePackage),
        PublicAddresses.serve(vertx, authenticator, callers, BusApi.FILE_IMPORT,
            this::importFile),
        serve(BusApi.FILE_ADD_BY_DIGEST, this::addByDigest),
        serve(BusApi.PACKAGE_LIST, (who, body) -> {
          Authorization.requireUnscoped(who, Role.READER);
          return Bus.request(vertx, Addresses.PACKAGE_LIST, ListPackages.fromJson(body).toJson());
        }),
        serve(BusApi.PACKAGE_MANIFEST,
            (who, body) -> read(who, PackageId.fromJson(body).id(), Addresses.PACKAGE_MANIFEST)),
        serve(BusApi.RETENTION_STATUS,
            (who, body) -> read(who, PackageId.fromJson(body).id(), Addresses.RETENTION_STATUS)),
        serve(BusApi.RETENTION_EXTEND, (who, body) -> {
          RetentionChange r = RetentionChange.fromJson(body);
          return retain(who, r.id(), Addresses.RETENTION_EXTEND, r.toJson());
        }),
        serve(BusApi.HOLD_PLACE, (who, body) -> {
          HoldRequest h = HoldRequest.placement(body);
          return retain(who, h.id(), Addresses.HOLD_PLACE, h.toJson());
        }),
        serve(BusApi.HOLD_RELEASE, (who, body) -> {
          HoldRequest h = HoldRequest.release(body);
          return retain(who, h.id(), Addresses.HOLD_RELEASE, h.toJson());
        })));
  }

  private Future<JsonObject> create(Identity who, JsonObject body) {
    Authorization.requireRole(who, Role.PRODUCER);
    CreatePackage request = CreatePackage.fromJson(body);
    return Authorization.inScope(who, request.producer()).compose(v -> Bus.request(vertx,
        Addresses.PACKAGE_CREATE, request.toJson().put("actor", who.actor())));
  }

  private Future<JsonObject> get(Identity who, JsonObject body) {
    PackageId request = PackageId.fromJson(body);
    return onPackage(who, request.id(), Role.READER, Role.PRODUCER)
        .compose(v -> Bus.request(vertx, Addresses.PACKAGE_GET, request.toJson()));
  }

  private Future<JsonObject> finalizePackage(Identity who, JsonObject body) {
    PackageId request = PackageId.fromJson(body);
    return onPackage(who, request.id(), Role.PRODUCER)
        .compose(v -> Bus.request(vertx, Addresses.PACKAGE_FINALIZE,
            request.toJson().put("actor", who.actor())));
  }

  /** A read about one package: the reader or producer role, in scope. */
  private Future<JsonObject> read(Identity who, String id, String internal) {
    return onPackage(who, id, Role.READER, Role.PRODUCER)
        .compose(v -> Bus.request(vertx, internal, new JsonObject().put("id", id)));
  }

  /** A retention change of one package: the retention-admin role, in scope; the actor recorded. */
  private Future<JsonObject> retain(Identity who, String id, String internal, JsonObject req) {
    return onPackage(who, id, Role.RETENTION_ADMIN)
        .compose(v -> Bus.request(vertx, internal, req.put("actor", who.actor())));
  }

  private Future<JsonObject> importFile(Identity who, JsonObject body, MultiMap headers) {
    Authorization.requireRole(who, Role.PRODUCER);
    ImportFile request = ImportFile.fromJson(body);
    String path = LogicalPath.validate(request.path(), config.limits());
    String mediaType = request.mediaType() == null ? null : MediaType.of(request.mediaType());
    long timeout = PublicAddresses.requestTimeout(headers);
    Runnable callerSlot = callers.acquireUpload(PublicAddresses.caller(who));
    // The sender stops waiting at its timeout: the import stops there too and leaves nothing.
    Promise<Void> givenUp = Promise.promise();
    long timer = timeout == 0 ? -1 : vertx.setTimer(timeout, t -> givenUp.tryFail(
        new ApiException(ErrorCode.REQUEST_TIMEOUT, "the import ran longer than the request's "
            + timeout + " ms (" + PublicAddresses.REQUEST_TIMEOUT + "); nothing was stored")));
    return onPackage(who, request.packageId(), Role.PRODUCER).compose(v -> uploads.importFile(
        new Uploads.Target(request.packageId(), path, request.replace(), mediaType,
            request.expectedSha256(), who.actor(), null),
        request.file(), config.integration().importRoots(), givenUp.future()))
        .onComplete(done -> {
          vertx.cancelTimer(timer);
          callerSlot.run();
        });
  }

  private Future<JsonObject> addByDigest(Identity who, JsonObject body) {
    AddByDigest request = AddByDigest.fromJson(body);
    return onPackage(who, request.packageId(), Role.PRODUCER)
        .compose(v -> access.mayReference(who, request.sha256()))
        .compose(v -> Bus.request(vertx, Addresses.FILE_ADD_BY_DIGEST,
            request.toRegistry(who.actor(), null)));
  }

  private Future<Void> onPackage(Identity who, String id, Role... roles) {
    return access.onPackage(who, id, roles);
  }
}
