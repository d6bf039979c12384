package io.artifactstore.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The configured storage backends by id, and which one new uploads go to by default.
 *
 * <p>Backends are described as {@code {"<id>": {"type": "local", "root": "..."}, ...}} and built by
 * the {@link StorageBackendFactory} registered for their type. Configuration mistakes fail
 * creation with an {@link IllegalArgumentException} naming the key, such as
 * {@code storage.backends.local.root}; asking for an id that is not configured is a programming
 * or data error and also throws {@link IllegalArgumentException}.
 */
public final class StorageBackends {

  private static final String PREFIX = "storage.backends";

  private final Map<String, StorageBackend> byId;
  private final String defaultId;

  private StorageBackends(Map<String, StorageBackend> byId, String defaultId) {
    this.byId = Collections.unmodifiableMap(byId);
    this.defaultId = defaultId;
  }

  /** The configuration key of one backend option, for error messages. */
  public static String configKey(String id, String option) {
    return PREFIX + '.' + id + '.' + option;
  }

  /** The backend factories on the class path, by type. */
  public static Map<String, StorageBackendFactory> factories() {
    Map<String, StorageBackendFactory> factories = new TreeMap<>();
    for (StorageBackendFactory factory :
        ServiceLoader.load(StorageBackendFactory.class, StorageBackends.class.getClassLoader())) {
      factories.putIfAbsent(factory.type(), factory);
    }
    return factories;
  }

  /**
   * Starts every configured backend. When one fails, those already started are closed again
   * and the first failure is reported.
   */
  public static Future<StorageBackends> create(Vertx vertx, String defaultId, JsonObject backendsById) {
    List<String> ids = new ArrayList<>();
    List<Future<StorageBackend>> starting = new ArrayList<>();
    try {
      if (backendsById == null || backendsById.isEmpty()) {
        throw new IllegalArgumentException(PREFIX + ": at least one backend must be configured");
      }
      if (!backendsById.containsKey(defaultId)) {
        throw new IllegalArgumentException("default storage backend '" + defaultId
            + "' is not one of " + PREFIX + " " + backendsById.fieldNames());
      }
      Map<String, StorageBackendFactory> factories = factories();
      for (String id : backendsById.fieldNames()) {
        StorageBackendFactory factory = factoryFor(factories, id, backendsById.getValue(id));
        ids.add(id);
        starting.add(factory.create(vertx, id, backendsById.getJsonObject(id)));
      }
    } catch (IllegalArgumentException e) {
      return closeStarted(starting).transform(ignored -> Future.failedFuture(e));
    }
    return Future.join(starting).transform(all -> {
      if (all.failed()) {
        return closeStarted(starting).transform(ignored -> Future.failedFuture(all.cause()));
      }
      Map<String, StorageBackend> byId = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        byId.put(ids.get(i), starting.get(i).result());
      }
      return Future.succeededFuture(new StorageBackends(byId, defaultId));
    });
  }

  private static StorageBackendFactory factoryFor(
      Map<String, StorageBackendFactory> factories, String id, Object config) {
    if (!(config instanceof JsonObject options)) {
      throw new IllegalArgumentException(PREFIX + '.' + id + ": must be an object");
    }
    Object type = options.getValue("type");
    if (!(type instanceof String name) || name.isBlank()) {
      throw new IllegalArgumentException(configKey(id, "type") + ": required, one of " + factories.keySet());
    }
    StorageBackendFactory factory = factories.get(name);
    if (factory == null) {
      throw new IllegalArgumentException(configKey(id, "type") + ": unknown backend type '" + name
          + "', expected one of " + factories.keySet());
    }
    return factory;
  }

  /** Waits for every start to settle, then closes those that succeeded. Never fails. */
  private static Future<Void> closeStarted(List<Future<StorageBackend>> starting) {
    return Future.join(starting).transform(ignored -> {
      List<Future<Void>> closing = starting.stream()
          .filter(Future::succeeded)
          .map(started -> started.result().close())
          .toList();
      return Future.join(closing).<Void>mapEmpty();
    }).otherwiseEmpty();
  }

  /**
   * The backend configured under {@code id}.
   *
   * @throws IllegalArgumentException when no backend has that id
   */
  public StorageBackend get(String id) {
    StorageBackend backend = byId.get(id);
    if (backend == null) {
      throw new IllegalArgumentException("no storage backend '" + id + "', configured: " + byId.keySet());
    }
    return backend;
  }

  /** The id new uploads are stored under unless a request chooses another. */
  public String defaultId() {
    return defaultId;
  }

  public StorageBackend defaultBackend() {
    return byId.get(defaultId);
  }

  /** Every backend by id, in configuration order; unmodifiable. */
  public Map<String, StorageBackend> all() {
    return byId;
  }

  /**
   * Claims every backend for the running server ({@link StorageBackend#claim}), one after the
   * other in configuration order, stopping at the first failure, which it reports. What was
   * claimed stays so until {@link #close}.
   */
  public Future<Void> claim(JsonObject owner) {
    Future<Void> done = Future.succeededFuture();
    for (StorageBackend backend : byId.values()) {
      done = done.compose(v -> backend.claim(owner));
    }
    return done;
  }

  /** Closes every backend; completes once all have closed, failing with the first failure. */
  public Future<Void> close() {
    List<Future<Void>> closing = byId.values().stream().map(StorageBackend::close).toList();
    return Future.join(closing).mapEmpty();
  }
}
