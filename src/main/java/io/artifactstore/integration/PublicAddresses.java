package io.artifactstore.integration;

import io.artifactstore.dataplane.StorageFaults;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.security.Authenticator;
import io.artifactstore.security.CallerLimits;
import io.artifactstore.security.Identity;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves public addresses ({@link BusApi}) the same way: the body must be a JSON object
 * ({@code invalid_request} otherwise); the caller is the identity its {@value #AUTHORIZATION}
 * header proves ({@code Bearer <token>}, as in HTTP), anonymous without one; a failure is
 * replied with the HTTP status as the failure code and the HTTP API's error body
 * ({@code {"error": {code, message}}}) as the message.
 */
final class PublicAddresses {

  /** The message header that carries credentials, as HTTP's {@code Authorization} field. */
  static final String AUTHORIZATION = "authorization";

  private static final Logger LOG = Logger.getLogger(PublicAddresses.class.getName());

  private PublicAddresses() {}

  /**
   * The message header with which a sender says how long it waits for the reply, in
   * milliseconds (a decimal string): work still running then is abandoned and leaves nothing
   * (an import is cancelled with {@code request_timeout}). Without it the work runs to its end
   * whether or not anyone still waits.
   */
  static final String REQUEST_TIMEOUT = "request-timeout";

  /**
   * The deadline {@link #REQUEST_TIMEOUT} sets, in milliseconds from now; 0 when none.
   * {@code invalid_request} when it is not a positive whole number.
   */
  static long requestTimeout(MultiMap headers) {
    String value = headers.get(REQUEST_TIMEOUT);
    if (value == null) {
      return 0;
    }
    try {
      long ms = Long.parseLong(value.trim());
      if (ms > 0) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new ApiException(ErrorCode.INVALID_REQUEST, "the " + REQUEST_TIMEOUT
        + " header must be a positive number of milliseconds");
  }

  /** Caller key of requests that carry no identity (a server without authentication). */
  static final String BUS_CALLER = "event-bus";

  /**
   * Serves {@code address}; {@code authenticator} null serves every caller alike. Each request
   * counts against its caller's request rate ({@code security.limits}, as over HTTP): over it,
   * {@code too_many_requests} before anything is done.
   */
  static Future<Void> serve(Vertx vertx, Authenticator authenticator, CallerLimits callers,
      String address, BiFunction<Identity, JsonObject, Future<JsonObject>> handler) {
    return serve(vertx, authenticator, callers, address,
        (who, body, headers) -> handler.apply(who, body));
  }

  /** A request's handler that reads the message headers too. */
  @FunctionalInterface
  interface WithHeaders {
    Future<JsonObject> handle(Identity who, JsonObject body, MultiMap headers);
  }

  /** As above, for a handler that reads the message headers ({@link #REQUEST_TIMEOUT}). */
  static Future<Void> serve(Vertx vertx, Authenticator authenticator, CallerLimits callers,
      String address, WithHeaders handler) {
    return vertx.eventBus().consumer(address, (Message<Object> msg) -> {
      Future<JsonObject> result;
      try {
        if (!(msg.body() instanceof JsonObject body)) {
          throw new ApiException(ErrorCode.INVALID_REQUEST, "the message to " + address
              + " must be a JSON object");
        }
        Future<Identity> who = authenticator == null ? Future.succeededFuture(null)
            : authenticator.authenticate(msg.headers().get(AUTHORIZATION));
        result = who.compose(identity -> {
          callers.admit(caller(identity));
          return handler.handle(identity, body, msg.headers());
        });
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
          return;
        }
        ApiException api = failure(address, ar.cause());
        msg.fail(api.code().status(), api.toJson().encode());
      });
    }).completion();
  }

  /** The key {@link CallerLimits} counts a bus caller under. */
  static String caller(Identity who) {
    return who == null ? BUS_CALLER : CallerLimits.caller(who, BUS_CALLER);
  }

  /**
   * The catalogued error a failure is replied as: itself when it is one, a storage fault as
   * {@link StorageFaults} reads it (503, 507), anything else as {@code internal_error}. Server-side
   * failures are logged in one line, without a stack trace.
   */
  private static ApiException failure(String address, Throwable cause) {
    ApiException api = StorageFaults.toApi(cause).orElseGet(() -> ApiException.from(cause));
    if (api.code().status() >= 500) {
      LOG.log(Level.WARNING, "request to " + address + " failed: "
          + StorageFaults.describe(cause));
    }
    return api;
  }
}
