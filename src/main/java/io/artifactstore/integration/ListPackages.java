package io.artifactstore.integration;

import io.vertx.core.json.JsonObject;

/**
 * A request on {@link BusApi#PACKAGE_LIST}, the query of {@code GET /v1/packages}:
 * {@code {producer?, subject?, status?, manifest_digest?, cursor?, limit?}}. Every field is a
 * filter or the page: {@code status} one of {@code open}, {@code finalized}, {@code failed},
 * {@code deleted}; {@code limit} 1 to 1000 (default 50); {@code cursor} the
 * {@code next_cursor} of the previous page. The registry checks the values
 * ({@code invalid_parameter}) as for HTTP.
 */
public record ListPackages(String producer, String subject, String status,
    String manifestDigest, String cursor, Integer limit) {

  /** The JSON form, without the fields that are not set. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    put(json, "producer", producer);
    put(json, "subject", subject);
    put(json, "status", status);
    put(json, "manifest_digest", manifestDigest);
    put(json, "cursor", cursor);
    put(json, "limit", limit);
    return json;
  }

  private static void put(JsonObject json, String name, Object value) {
    if (value != null) {
      json.put(name, value);
    }
  }

  /** Reads the JSON form: {@code invalid_request} when a field is of another type. */
  public static ListPackages fromJson(JsonObject json) {
    Long limit = Fields.wholeNumber(json, "limit", false);
    return new ListPackages(Fields.text(json, "producer", false),
        Fields.text(json, "subject", false), Fields.text(json, "status", false),
        Fields.text(json, "manifest_digest", false), Fields.text(json, "cursor", false),
        limit == null ? null : (int) Math.max(Integer.MIN_VALUE,
            Math.min(Integer.MAX_VALUE, limit)));
  }
}
