package io.artifactstore.integration;

import io.vertx.core.json.JsonObject;

/**
 * A request naming one package, {@code {id}}: on {@link BusApi#PACKAGE_GET} and
 * {@link BusApi#PACKAGE_FINALIZE}.
 */
public record PackageId(String id) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id);
  }

  /** Reads the JSON form: {@code invalid_request} when {@code id} is missing or not a string. */
  public static PackageId fromJson(JsonObject json) {
    return new PackageId(Fields.text(json, "id", true));
  }
}
