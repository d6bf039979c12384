package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.integration.HoldRequest;
import io.artifactstore.integration.RetentionChange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Retention, holds, deletion and the audit routes. Bodies are small JSON objects; every
 * request carries its actor to the control plane.
 */
final class RetentionHandlers {

  private final Vertx vertx;

  RetentionHandlers(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Representation> status(RoutingContext ctx) {
    return read(Addresses.RETENTION_STATUS, idOnly(ctx));
  }

  void extend(RoutingContext ctx) {
    JsonObject req = body(ctx, false);
    forward(ctx, Addresses.RETENTION_EXTEND, withActor(RetentionChange.fromJson(req).toJson(), req),
        200);
  }

  void placeHold(RoutingContext ctx) {
    JsonObject req = body(ctx, false);
    forward(ctx, Addresses.HOLD_PLACE, withActor(HoldRequest.placement(req).toJson(), req), 201);
  }

  void releaseHold(RoutingContext ctx) {
    JsonObject req = bodyOrQuery(ctx).put("hold_id", ctx.pathParam("hold_id"));
    forward(ctx, Addresses.HOLD_RELEASE, withActor(HoldRequest.release(req).toJson(), req), 200);
  }

  void delete(RoutingContext ctx) {
    forward(ctx, Addresses.PACKAGE_DELETE, bodyOrQuery(ctx), 200);
  }

  Future<Representation> eligible(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    String limit = ctx.request().getParam("limit");
    if (limit != null) {
      q.put("limit", intParam("limit", limit, 1, 1000));
    }
    return read(Addresses.RETENTION_ELIGIBLE, q);
  }

  void sweep(RoutingContext ctx) {
    String dry = ctx.request().getParam("dry_run", "true");
    if (!dry.equals("true") && !dry.equals("false")) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, "dry_run must be true or false");
    }
    forward(ctx, Addresses.RETENTION_SWEEP, new JsonObject().put("dry_run", dry.equals("true"))
        .put("actor", Requests.actor(ctx))
        .put("claimed_actor", Requests.claimedActor(ctx)), 200);
  }

  Future<Representation> packageEvents(RoutingContext ctx) {
    return read(Addresses.AUDIT_PACKAGE_EVENTS, page(ctx).put("id", ctx.pathParam("id")));
  }

  Future<Representation> feed(RoutingContext ctx) {
    return read(Addresses.AUDIT_FEED, page(ctx));
  }

  Future<Representation> verify(RoutingContext ctx) {
    return read(Addresses.AUDIT_VERIFY, new JsonObject());
  }

  private static JsonObject page(RoutingContext ctx) {
    JsonObject q = new JsonObject();
    String after = ctx.request().getParam("after");
    if (after != null) {
      try {
        long a = Long.parseLong(after);
        if (a < 0) {
          throw new NumberFormatException();
        }
        q.put("after", a);
      } catch (NumberFormatException e) {
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "after must be a sequence number");
      }
    }
    String limit = ctx.request().getParam("limit");
    if (limit != null) {
      q.put("limit", intParam("limit", limit, 1, 1000));
    }
    return q;
  }

  private static int intParam(String name, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ApiException(ErrorCode.INVALID_PARAMETER,
        name + " must be a whole number from " + min + " to " + max);
  }

  private static JsonObject idOnly(RoutingContext ctx) {
    return new JsonObject().put("id", ctx.pathParam("id"));
  }

  private static JsonObject body(RoutingContext ctx, boolean optional) {
    return Requests.jsonBody(ctx, optional).put("id", ctx.pathParam("id"))
        .put("actor", Requests.actor(ctx))
        .put("claimed_actor", Requests.claimedActor(ctx));
  }

  /** The record's JSON form {@code typed}, with the actors {@code req} carries. */
  private static JsonObject withActor(JsonObject typed, JsonObject req) {
    return typed.put("actor", req.getValue("actor"))
        .put("claimed_actor", req.getValue("claimed_actor"));
  }

  /** A JSON body if there is one, else {@code ?reason=} from the query. */
  private static JsonObject bodyOrQuery(RoutingContext ctx) {
    JsonObject req = body(ctx, true);
    String reason = ctx.request().getParam("reason");
    if (reason != null && !req.containsKey("reason")) {
      req.put("reason", reason);
    }
    return req;
  }

  private void forward(RoutingContext ctx, String address, JsonObject req, int status) {
    Bus.<JsonObject>request(vertx, address, req)
        .onComplete(Responses.replying(ctx, r -> Responses.json(ctx, status, r, null)));
  }

  private Future<Representation> read(String address, JsonObject req) {
    return Bus.<JsonObject>request(vertx, address, req).map(Representation::json);
  }
}
