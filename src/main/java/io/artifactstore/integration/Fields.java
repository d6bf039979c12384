package io.artifactstore.integration;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.json.JsonObject;

/** Typed reads of a request's JSON fields, refusing others with {@code invalid_request}. */
final class Fields {

  private Fields() {}

  static String text(JsonObject json, String name, boolean required) {
    Object v = json.getValue(name);
    if (v == null) {
      if (required) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, name + " is required");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, name + " must be a string");
    }
    return s;
  }

  /** A whole number (a JSON number without a fraction), or null when absent and not required. */
  static Long wholeNumber(JsonObject json, String name, boolean required) {
    Object v = json.getValue(name);
    if (v == null) {
      if (required) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, name + " is required");
      }
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != n.longValue()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, name + " must be a whole number");
    }
    return n.longValue();
  }

  static JsonObject object(JsonObject json, String name) {
    Object v = json.getValue(name);
    if (v != null && !(v instanceof JsonObject)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, name + " must be a JSON object");
    }
    return (JsonObject) v;
  }

  static boolean flag(JsonObject json, String name) {
    Object v = json.getValue(name, false);
    if (!(v instanceof Boolean b)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, name + " must be true or false");
    }
    return b;
  }
}
