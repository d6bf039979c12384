package io.artifactstore.bus;

import io.artifactstore.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Request/reply over the event bus with catalogued errors on both ends. */
public final class Bus {

  private static final Logger LOG = Logger.getLogger(Bus.class.getName());
  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(30_000);

  private Bus() {}

  /**
   * Serves {@code address} with {@code handler}; a failure is replied as the catalogued error it
   * is, and anything uncatalogued is logged and replied as an internal error.
   */
  public static MessageConsumer<JsonObject> serve(Vertx vertx, String address,
      Function<JsonObject, Future<?>> handler) {
    return vertx.eventBus().<JsonObject>consumer(address, msg -> {
      Future<?> result;
      try {
        result = handler.apply(msg.body());
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          Throwable cause = ar.cause();
          if (!(cause instanceof ApiException)) {
            LOG.log(Level.SEVERE, "request to " + address + " failed", cause);
          }
          ApiException api = ApiException.from(cause);
          msg.fail(api.code().status(), api.toJson().encode());
        }
      });
    });
  }

  /** Sends a request and maps any failure back to the catalogued error. */
  public static <T> Future<T> request(Vertx vertx, String address, JsonObject body) {
    return request(vertx, address, body, OPTIONS);
  }

  /** As above, with a reply timeout for long operations (re-hashing a large object). */
  public static <T> Future<T> request(Vertx vertx, String address, JsonObject body,
      long timeoutMillis) {
    return request(vertx, address, body, new DeliveryOptions().setSendTimeout(timeoutMillis));
  }

  private static <T> Future<T> request(Vertx vertx, String address, JsonObject body,
      DeliveryOptions options) {
    return vertx.eventBus().<T>request(address, body, options)
        .map(reply -> reply.body())
        .recover(e -> Future.failedFuture(ApiException.from(e)));
  }
}
