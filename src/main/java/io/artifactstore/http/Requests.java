package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/** Small helpers shared by the route handlers. */
final class Requests {

  /** Header naming who acts. Recorded in the event log as claimed; not authenticated yet. */
  static final String ACTOR_HEADER = "X-Actor";

  private Requests() {}

  /** The JSON object body; an absent body is {@code {}} when {@code optional}. */
  static JsonObject jsonBody(RoutingContext ctx, boolean optional) {
    RequestBody body = ctx.body();
    if (body == null || body.length() <= 0) {
      if (optional) {
        return new JsonObject();
      }
      throw new ApiException(ErrorCode.INVALID_JSON, "the request body must be a JSON object");
    }
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body.buffer());
    } catch (DecodeException e) {
      throw new ApiException(ErrorCode.INVALID_JSON,
          "the request body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (!(value instanceof JsonObject object)) {
      throw new ApiException(ErrorCode.INVALID_JSON, "the request body must be a JSON object");
    }
    requireFiniteNumbers(object);
    return object;
  }

  /** JSON has no infinities or NaN; a number too large for a double is refused, not mangled. */
  private static void requireFiniteNumbers(Object value) {
    if (value instanceof JsonObject o) {
      o.forEach(e -> requireFiniteNumbers(e.getValue()));
    } else if (value instanceof io.vertx.core.json.JsonArray a) {
      a.forEach(Requests::requireFiniteNumbers);
    } else if (value instanceof Double d && !Double.isFinite(d)
        || value instanceof Float f && !Float.isFinite(f)) {
      throw new ApiException(ErrorCode.INVALID_JSON, "numbers must be finite");
    }
  }

  static String actor(RoutingContext ctx) {
    String actor = ctx.request().getHeader(ACTOR_HEADER);
    if (actor == null || actor.isBlank()) {
      return "anonymous";
    }
    if (actor.length() > 256 || actor.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          ACTOR_HEADER + " must be printable ASCII of at most 256 characters");
    }
    return actor.trim();
  }

  static boolean flag(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return false;
    }
    if (v.equals("true") || v.equals("1") || v.isEmpty()) {
      return true;
    }
    if (v.equals("false") || v.equals("0")) {
      return false;
    }
    throw new ApiException(ErrorCode.INVALID_PARAMETER, name + " must be true or false");
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
