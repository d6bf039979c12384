package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.security.Identity;
import io.artifactstore.security.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * API tokens ({@code /v1/tokens}, admin) and the caller's own identity
 * ({@code GET /v1/identity}, anyone). A token's secret appears once, in the answer to its
 * creation; no other answer and no log line carries it.
 */
final class TokenHandlers {

  private final Vertx vertx;
  private final String anonymousReason;

  TokenHandlers(Vertx vertx, String anonymousReason) {
    this.vertx = vertx;
    this.anonymousReason = anonymousReason;
  }

  /** {@code POST /v1/tokens} {@code {name, roles, producer_scope?, expires_in?}}: 201. */
  void create(RoutingContext ctx) {
    JsonObject req = Requests.withActor(ctx, Requests.jsonBody(ctx, false));
    Bus.<JsonObject>request(vertx, Addresses.TOKEN_CREATE, req)
        .onComplete(Responses.replying(ctx, t -> {
          ctx.response().putHeader("Cache-Control", "no-store");
          Responses.json(ctx, 201, t, "/v1/tokens/" + t.getString("id"));
        }));
  }

  Future<Representation> list(RoutingContext ctx) {
    return Bus.<JsonObject>request(vertx, Addresses.TOKEN_LIST, new JsonObject())
        .map(Representation::json);
  }

  Future<Representation> get(RoutingContext ctx) {
    return Bus.<JsonObject>request(vertx, Addresses.TOKEN_GET,
        new JsonObject().put("id", ctx.pathParam("token_id"))).map(Representation::json);
  }

  /** {@code DELETE /v1/tokens/{token_id}} with an optional {@code {reason}}: 200, the token. */
  void revoke(RoutingContext ctx) {
    JsonObject req = Requests.withActor(ctx, Requests.jsonBody(ctx, true))
        .put("id", ctx.pathParam("token_id"));
    String reason = ctx.request().getParam("reason");
    if (reason != null && !req.containsKey("reason")) {
      req.put("reason", reason);
    }
    Bus.<JsonObject>request(vertx, Addresses.TOKEN_REVOKE, req)
        .onComplete(Responses.replying(ctx, t -> Responses.json(ctx, 200, t, null)));
  }

  /**
   * {@code GET /v1/identity}: {@code {actor, kind, roles, producer_scope, expires_at}}, and for
   * an anonymous caller why it has the roles it has.
   */
  Future<Representation> identity(RoutingContext ctx) {
    Identity who = AccessControl.identity(ctx);
    JsonObject body = new JsonObject()
        .put("actor", who.actor())
        .put("kind", who.kind().name().toLowerCase(java.util.Locale.ROOT))
        .put("roles", new JsonArray(who.roles().stream().map(Role::wireName).sorted().toList()))
        .put("producer_scope", who.scope().patterns().map(JsonArray::new).orElse(null))
        .put("expires_at", who.expiresAt() == 0 ? null
            : java.time.Instant.ofEpochMilli(who.expiresAt()).toString());
    if (who.kind() == Identity.Kind.ANONYMOUS) {
      body.put("anonymous", anonymousReason);
    }
    return Future.succeededFuture(Representation.json(body));
  }
}
