package io.artifactstore.security;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The checks that need the registry's answer about a package or a content, made the same way for
 * every entry point (HTTP routes, public event-bus addresses): the producer a package belongs
 * to, and who may reference a content by its digest.
 */
public final class PackageAccess {

  private final Vertx vertx;

  public PackageAccess(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * A request about package {@code id}: one of {@code roles} ({@code unauthenticated},
   * {@code forbidden}), and a producer scope that covers the package's producer
   * ({@code producer_not_in_scope}). A package that does not exist passes, left to the request's
   * own answer ({@code package_not_found}).
   */
  public Future<Void> onPackage(Identity who, String id, Role... roles) {
    try {
      Authorization.requireRole(who, roles);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    if (who.scope().unrestricted()) {
      return Future.succeededFuture();
    }
    return Bus.<JsonObject>request(vertx, Addresses.PACKAGE_PRODUCER,
            new JsonObject().put("id", id))
        .transform(ar -> {
          if (ar.failed()) {
            return ApiException.from(ar.cause()).code() == ErrorCode.PACKAGE_NOT_FOUND
                ? Future.succeededFuture() : Future.failedFuture(ar.cause());
          }
          return Authorization.inScope(who, ar.result().getString("producer"));
        });
  }

  /**
   * Whether {@code who} may reference the content {@code sha256} (64 lowercase hex) without
   * sending it: an unscoped reader may; anyone else only if a package in its scope holds that
   * content. Content it may not read fails as content the server does not hold
   * ({@code blob_not_found}), so that adding by digest cannot be used to learn what others
   * stored.
   */
  public Future<Void> mayReference(Identity who, String sha256) {
    if (who.has(Role.READER) && who.scope().unrestricted()) {
      return Future.succeededFuture();
    }
    return Bus.<JsonObject>request(vertx, Addresses.BLOB_PRODUCERS,
            new JsonObject().put("sha256", sha256))
        .compose(found -> {
          for (Object producer : found.getJsonArray("producers")) {
            if (who.scope().covers(String.valueOf(producer))) {
              return Future.succeededFuture();
            }
          }
          return Future.failedFuture(new ApiException(ErrorCode.BLOB_NOT_FOUND,
              "the server does not hold sha256:" + sha256 + "; send the bytes"));
        });
  }
}
