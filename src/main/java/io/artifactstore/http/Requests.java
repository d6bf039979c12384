package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.artifactstore.events.CanonicalJson;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/** Small helpers shared by the route handlers. */
final class Requests {

  /**
   * Header naming who acts on whose behalf, as the caller claims: recorded in the event's
   * payload as {@code claimed_actor}, beside the verified actor.
   */
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
    requireJsonMediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
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
    requireExactNumbers(body.buffer());
    return object;
  }

  /**
   * Every number of a JSON body, as written, must be one a double holds exactly (I-JSON,
   * RFC 7493 section 2.2): the server keeps numbers as doubles (and canonical JSON, RFC 8785,
   * writes them so), so a number with more precision or magnitude than that would silently
   * become another one. Such a body is refused with {@code invalid_request}; read from the
   * text, since the parsed value has already lost what was written.
   */
  private static void requireExactNumbers(io.vertx.core.buffer.Buffer body) {
    try (JsonParser p = NUMBERS.createParser(body.getBytes())) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
          Number n = t == JsonToken.VALUE_NUMBER_INT ? p.getBigIntegerValue()
              : p.getDecimalValue();
          if (!CanonicalJson.isExact(n)) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "the number " + p.getText()
                + " has no exact double form (RFC 7493): integers within +/-(2^53-1), "
                + "decimals of at most double precision");
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new ApiException(ErrorCode.INVALID_JSON, "the request body is not valid JSON");
    }
  }

  private static final JsonFactory NUMBERS = new JsonFactory();

  /**
   * A JSON body must say so: {@code application/json} or a {@code +json} type (RFC 6839),
   * parameters allowed. Anything else (a form, text, no type at all) is 415: a body the server
   * would read as JSON under another name is one a web page could send across origins.
   */
  static void requireJsonMediaType(String contentType) {
    String type = contentType == null ? "" : contentType.split(";", 2)[0].trim()
        .toLowerCase(java.util.Locale.ROOT);
    if (!type.equals("application/json")
        && !(type.startsWith("application/") && type.endsWith("+json"))) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body is "
          + (contentType == null ? "without a Content-Type" : "'" + contentType + "'")
          + "; send application/json");
    }
  }

  /** The verified identity of the caller, as the event log records it (Identity#actor). */
  static String actor(RoutingContext ctx) {
    return AccessControl.identity(ctx).actor();
  }

  /**
   * The name the caller claims in {@code X-Actor}, or null: recorded beside the verified actor,
   * never instead of it. {@code invalid_request} unless printable ASCII of at most 256
   * characters.
   */
  static String claimedActor(RoutingContext ctx) {
    String actor = ctx.request().getHeader(ACTOR_HEADER);
    if (actor == null || actor.isBlank()) {
      return null;
    }
    if (actor.length() > 256 || actor.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          ACTOR_HEADER + " must be printable ASCII of at most 256 characters");
    }
    return actor.trim();
  }

  /** {@code req} with {@code actor} and, when claimed, {@code claimed_actor}. */
  static JsonObject withActor(RoutingContext ctx, JsonObject req) {
    return req.put("actor", actor(ctx)).put("claimed_actor", claimedActor(ctx));
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

  /**
   * Completes if the connection closes before the request is answered, whenever that is (an
   * end handler, not the response's one close handler, which the router uses itself).
   */
  static io.vertx.core.Future<Void> abandoned(RoutingContext ctx) {
    io.vertx.core.Promise<Void> abandoned = io.vertx.core.Promise.promise();
    ctx.addEndHandler(done -> {
      if (done.failed()) {
        abandoned.tryComplete();
      }
    });
    return abandoned.future();
  }
}
