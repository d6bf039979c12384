package io.artifactstore.integration;

import io.vertx.core.json.JsonObject;

/**
 * A request on {@link BusApi#RETENTION_EXTEND}, the body of {@code POST
 * /v1/packages/{id}/retention}: {@code {id, retention_class?, expires_at?, reason?}} (a longer
 * class, or a later RFC 3339 instant; shortening is refused with
 * {@code retention_shortening_refused}).
 */
public record RetentionChange(String id, String retentionClass, String expiresAt,
    String reason) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("retention_class", retentionClass)
        .put("expires_at", expiresAt).put("reason", reason);
  }

  /** Reads the JSON form: {@code invalid_request} when a field is missing or of another type. */
  public static RetentionChange fromJson(JsonObject json) {
    return new RetentionChange(Fields.text(json, "id", true),
        Fields.text(json, "retention_class", false), Fields.text(json, "expires_at", false),
        Fields.text(json, "reason", false));
  }
}
