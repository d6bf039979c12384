package io.artifactstore.integration;

import io.vertx.core.json.JsonObject;

/**
 * A request on {@link BusApi#PACKAGE_CREATE}, the body of {@code POST /v1/packages}:
 * {@code {producer, subject, retention_class?, metadata?}}. The registry checks lengths,
 * the retention class and the metadata's size as for HTTP.
 */
public record CreatePackage(String producer, String subject, String retentionClass,
    JsonObject metadata) {

  public JsonObject toJson() {
    return new JsonObject().put("producer", producer).put("subject", subject)
        .put("retention_class", retentionClass).put("metadata", metadata);
  }

  /** Reads the JSON form: {@code invalid_request} when a field is missing or of another type. */
  public static CreatePackage fromJson(JsonObject json) {
    return new CreatePackage(Fields.text(json, "producer", true),
        Fields.text(json, "subject", true), Fields.text(json, "retention_class", false),
        Fields.object(json, "metadata"));
  }
}
