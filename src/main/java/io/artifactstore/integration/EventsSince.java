package io.artifactstore.integration;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * A request on {@link BusApi#EVENTS_SINCE}: the events with a sequence number above
 * {@code after}, at most {@code limit} (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}).
 * JSON: {@code {after, limit}}.
 */
public record EventsSince(long after, int limit) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public EventsSince {
    if (after < 0) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, "after must be 0 or more");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER,
          "limit must be between 1 and " + MAX_LIMIT);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("after", after).put("limit", limit);
  }

  /**
   * Reads the JSON form: {@code invalid_request} (400) when a field has the wrong type,
   * {@code invalid_parameter} when a value is out of range.
   */
  public static EventsSince fromJson(JsonObject json) {
    if (json == null) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "the message must be a JSON object");
    }
    Object after = json.getValue("after", 0L);
    Object limit = json.getValue("limit", DEFAULT_LIMIT);
    if (!(after instanceof Number a) || !(limit instanceof Number l)
        || a.doubleValue() != a.longValue() || l.doubleValue() != l.intValue()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "after and limit must be integers");
    }
    return new EventsSince(a.longValue(), l.intValue());
  }
}
