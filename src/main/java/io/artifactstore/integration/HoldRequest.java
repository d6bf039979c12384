package io.artifactstore.integration;

import io.vertx.core.json.JsonObject;

/**
 * A request on {@link BusApi#HOLD_PLACE} ({@code {id, reason, reference?}}, as {@code POST
 * /v1/packages/{id}/holds}) or {@link BusApi#HOLD_RELEASE} ({@code {id, hold_id, reason}}, as
 * {@code DELETE /v1/packages/{id}/holds/{hold_id}}). {@code reason} is required by both.
 */
public record HoldRequest(String id, String holdId, String reason, String reference) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("hold_id", holdId).put("reason", reason)
        .put("reference", reference);
  }

  /** Reads a placement: {@code invalid_request} when a field is missing or of another type. */
  public static HoldRequest placement(JsonObject json) {
    return new HoldRequest(Fields.text(json, "id", true), null,
        Fields.text(json, "reason", true), Fields.text(json, "reference", false));
  }

  /** Reads a release: {@code invalid_request} when a field is missing or of another type. */
  public static HoldRequest release(JsonObject json) {
    return new HoldRequest(Fields.text(json, "id", true), Fields.text(json, "hold_id", true),
        Fields.text(json, "reason", true), null);
  }
}
