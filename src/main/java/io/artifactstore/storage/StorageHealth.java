package io.artifactstore.storage;

import io.vertx.core.json.JsonObject;

/** One backend's health: up or down, with details for operators. */
public record StorageHealth(boolean up, JsonObject detail) {

  public static StorageHealth up(JsonObject detail) {
    return new StorageHealth(true, detail);
  }

  public static StorageHealth down(String reason) {
    return new StorageHealth(false, new JsonObject().put("reason", reason));
  }
}
