package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Administration routes: the integrity check. */
final class AdminHandlers {

  /** A check re-reads every object with verify_content: allow a large store's worth. */
  private static final long FSCK_TIMEOUT_MS = 6 * 60 * 60 * 1000L;

  private final Vertx vertx;

  AdminHandlers(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * {@code POST /v1/admin/fsck?repair=&verify_content=&grace=}: the integrity report
   * (integrity.Fsck); {@code grace} is an ISO-8601 duration, default
   * {@code integrity.grace_period}.
   */
  void fsck(RoutingContext ctx) {
    JsonObject req = new JsonObject().put("repair", Requests.flag(ctx, "repair"))
        .put("verify_content", Requests.flag(ctx, "verify_content"));
    String grace = ctx.request().getParam("grace");
    if (grace != null) {
      try {
        Duration d = Duration.parse(grace);
        if (d.isNegative()) {
          throw new DateTimeParseException("negative", grace, 0);
        }
        req.put("grace_seconds", d.toSeconds());
      } catch (DateTimeParseException e) {
        throw new ApiException(ErrorCode.INVALID_PARAMETER,
            "grace must be an ISO-8601 duration such as PT1H");
      }
    }
    Bus.<JsonObject>request(vertx, Addresses.INTEGRITY_FSCK, req, FSCK_TIMEOUT_MS)
        .onComplete(Responses.replying(ctx, report -> Responses.json(ctx, 200, report, null)));
  }
}
