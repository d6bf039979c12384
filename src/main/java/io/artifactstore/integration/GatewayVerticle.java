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
import io.artifactstore.security.Identity;
import io.artifactstore.security.Role;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The public request addresses of {@link BusApi}: each request is read as its record,
 * authorized as the matching HTTP route is (same roles, same producer scopes), and handed to
 * the same control-plane and data-plane services the HTTP handlers use, so the two cannot
 * drift.
 */
public final class GatewayVerticle extends VerticleBase {

  private final Authenticator authenticator;
  private final AppConfig config;
  private final Uploads uploads;

  public GatewayVerticle(AppConfig config, Authenticator authenticator, Uploads uploads) {
    this.config = config;
    this.authenticator = authenticator;
    this.uploads = uploads;
  }

  @Override
  public Future<?> start() {
    return Future.all(List.of(
        PublicAddresses.serve(vertx, authenticator, BusApi.PACKAGE_CREATE, this::create),
        PublicAddresses.serve(vertx, authenticator, BusApi.PACKAGE_GET, this::get),
        PublicAddresses.serve(vertx, authenticator, BusApi.PACKAGE_FINALIZE,
            this::finalizePackage),
        PublicAddresses.serve(vertx, authenticator, BusApi.FILE_IMPORT, this::importFile)));
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

  private Future<JsonObject> importFile(Identity who, JsonObject body) {
    Authorization.requireRole(who, Role.PRODUCER);
    ImportFile request = ImportFile.fromJson(body);
    String path = LogicalPath.validate(request.path(), config.limits());
    String mediaType = request.mediaType() == null ? null : MediaType.of(request.mediaType());
    return onPackage(who, request.packageId(), Role.PRODUCER).compose(v -> uploads.importFile(
        new Uploads.Target(request.packageId(), path, request.replace(), mediaType,
            request.expectedSha256(), who.actor(), null),
        request.file(), config.integration().importRoots()));
  }

  /**
   * One of {@code roles}, and a scope covering the package's producer; a package that does not
   * exist is left to the registry's own answer ({@code package_not_found}).
   */
  Future<Void> onPackage(Identity who, String id, Role... roles) {
    Authorization.requireRole(who, roles);
    if (who.scope().unrestricted()) {
      return Future.succeededFuture();
    }
    return Bus.<JsonObject>request(vertx, Addresses.PACKAGE_PRODUCER, new JsonObject().put("id", id))
        .transform(ar -> {
          if (ar.failed()) {
            return ApiException.from(ar.cause()).code() == ErrorCode.PACKAGE_NOT_FOUND
                ? Future.succeededFuture() : Future.failedFuture(ar.cause());
          }
          return Authorization.inScope(who, ar.result().getString("producer"));
        });
  }
}
