package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Answers whose content is built in memory (JSON documents, the OpenAPI document, metrics).
 *
 * <p>A 200 answer to GET or HEAD carries a strong entity tag: the SHA-256 of its content
 * (base64url, unpadded), so two answers with the same tag are the same bytes, which is what a
 * strong validator promises (RFC 9110 section 8.8.3). The request's preconditions are evaluated
 * against it (section 13.2.2): 304 without content, or 412. {@code Content-Length} is set for
 * HEAD too, so HEAD carries the header fields GET would.
 */
final class Responses {

  private Responses() {}

  /** {@code application/json} with {@code status}; {@code location} may be null. */
  /**
   * A completion handler that answers with {@code answer} on success and fails the request
   * otherwise; an exception {@code answer} throws fails the request too. (Thrown from a plain
   * success callback, it would reach only the context's exception handler, and the request
   * would never be answered.)
   */
  static <T> Handler<AsyncResult<T>> replying(RoutingContext ctx, Consumer<T> answer) {
    return ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      try {
        answer.accept(ar.result());
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    };
  }

  static void json(RoutingContext ctx, int status, JsonObject body, String location) {
    if (location != null) {
      ctx.response().putHeader(HttpHeaders.LOCATION, location);
    }
    send(ctx, new Representation(status, "application/json", body.toBuffer(), null, null));
  }

  /**
   * Sends {@code r}; a 200 to GET or HEAD carries its validators and honours the request's
   * preconditions: 304 without content, or 412.
   */
  static void send(RoutingContext ctx, Representation r) {
    HttpServerResponse resp = ctx.response();
    if (r.status() == 200 && isRead(ctx)) {
      Conditionals.Validators validators = r.validators();
      putValidators(resp, validators);
      switch (Conditionals.evaluate(ctx.request().method(), ctx.request().headers(), validators)) {
        case NOT_MODIFIED -> {
          resp.setStatusCode(304).end();
          return;
        }
        case PRECONDITION_FAILED -> {
          ctx.fail(preconditionFailed());
          return;
        }
        case PROCEED -> { }
      }
    }
    resp.setStatusCode(r.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, r.contentType())
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(r.body().length()))
        .end(r.body());
  }

  /** {@code ETag} and {@code Last-Modified} of a representation. */
  static void putValidators(HttpServerResponse resp, Conditionals.Validators v) {
    if (v.etag() != null) {
      resp.putHeader(HttpHeaders.ETAG, v.etag().toString());
    }
    if (v.lastModified() != null) {
      resp.putHeader(HttpHeaders.LAST_MODIFIED, Conditionals.httpDate(v.lastModified()));
    }
  }

  static ApiException preconditionFailed() {
    return new ApiException(ErrorCode.PRECONDITION_FAILED,
        "a precondition of the request (If-Match, If-None-Match or If-Unmodified-Since) does "
            + "not hold for the current representation");
  }

  static boolean isRead(RoutingContext ctx) {
    return switch (ctx.request().method().name()) {
      case "GET", "HEAD" -> true;
      default -> false;
    };
  }

  /** The unpadded base64url SHA-256 of {@code body}. */
  static String digest(Buffer body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest(body.getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
