package io.artifactstore.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Creates backends of one type from their configuration. Implementations are found with
 * {@link java.util.ServiceLoader}, so a new backend type plugs in by adding its factory to
 * {@code META-INF/services/io.artifactstore.storage.StorageBackendFactory}.
 */
public interface StorageBackendFactory {

  /** The value of {@code type} in configuration that selects this factory. */
  String type();

  /**
   * Starts a backend. Invalid or missing options fail the future with an
   * {@link IllegalArgumentException} whose message names the offending key as built by
   * {@link StorageBackends#configKey}.
   *
   * @param id the id the backend is configured under
   * @param options the backend's configuration object, including {@code type}
   */
  Future<StorageBackend> create(Vertx vertx, String id, JsonObject options);
}
