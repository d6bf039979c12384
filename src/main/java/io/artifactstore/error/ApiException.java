package io.artifactstore.error;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * A catalogued error. Thrown or failed with anywhere; carried over the event bus as a reply
 * failure whose code is the HTTP status and whose message is the JSON error body.
 */
public class ApiException extends RuntimeException {

  private final ErrorCode code;

  public ApiException(ErrorCode code) {
    this(code, code.defaultMessage());
  }

  public ApiException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** The error body: {@code {"error":{"code":...,"message":...}}}. */
  public JsonObject toJson() {
    return new JsonObject().put("error",
        new JsonObject().put("code", code.code()).put("message", getMessage()));
  }

  /** As a reply failure for the event bus. */
  public ReplyException toReplyException() {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.status(), toJson().encode());
  }

  /**
   * Recovers the catalogued error from any failure: an ApiException itself, an event-bus reply
   * carrying one, a bus timeout or missing consumer (the control plane is unavailable), or
   * anything else (an internal error).
   */
  public static ApiException from(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.getMessage() != null
          && reply.getMessage().startsWith("{")) {
        try {
          JsonObject err = new JsonObject(reply.getMessage()).getJsonObject("error");
          return new ApiException(ErrorCode.fromCode(err.getString("code")),
              err.getString("message"));
        } catch (RuntimeException ignored) {
          // not one of ours: fall through
        }
      }
      if (reply.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
        return new ApiException(ErrorCode.DATABASE_UNAVAILABLE,
            "the control plane did not answer: " + reply.getMessage());
      }
    }
    return new ApiException(ErrorCode.INTERNAL_ERROR);
  }
}
