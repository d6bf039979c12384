package io.artifactstore.support;

import io.artifactstore.Application;
import io.artifactstore.config.AppConfig;
import io.artifactstore.config.ConfigLoader;
import io.artifactstore.db.Database;
import io.artifactstore.events.EventLog;
import io.artifactstore.security.TokenService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A whole server for a test: real verticles on a real database and a real storage backend,
 * listening on a free port on 127.0.0.1.
 */
public final class TestServer implements AutoCloseable {

  private final Vertx vertx;
  private final Application app;
  private final AppConfig config;
  private final PrometheusMeterRegistry registry;
  private final JsonObject configJson;

  private Clock clock = Clock.systemUTC();

  private TestServer(Vertx vertx, Application app, AppConfig config,
      PrometheusMeterRegistry registry, JsonObject configJson) {
    this.vertx = vertx;
    this.configJson = configJson;
    this.app = app;
    this.config = config;
    this.registry = registry;
  }

  /**
   * Starts a server on {@code db} with a local backend under {@code dir}; {@code tweak} may change
   * the configuration JSON before it is typed. A server that cannot start throws what
   * {@link Application#start} failed with (its Vert.x closed again).
   */
  public static TestServer start(TestDatabases.Kind db, Path dir, Consumer<JsonObject> tweak) {
    return start(db, dir, tweak, Clock.systemUTC());
  }

  /** As above, with the server's clock. */
  public static TestServer start(TestDatabases.Kind db, Path dir, Consumer<JsonObject> tweak,
      Clock clock) {
    JsonObject json = ConfigLoader.merged(null, Map.of());
    json.getJsonObject("http").put("port", 0).put("instances", 1);
    json.getJsonObject("database").put("url", TestDatabases.newDatabase(db, dir));
    json.getJsonObject("storage").getJsonObject("backends").getJsonObject("local")
        .put("root", dir.resolve("blobs").toString());
    json.getJsonObject("security").put("link_keys_file", dir.resolve("link-keys").toString());
    json.getJsonObject("attestations").put("signing_keys_file",
        dir.resolve("signing-keys").toString());
    // Integrity reconciliation repairs on its own; tests that want it turn it on.
    json.getJsonObject("integrity").put("reconcile_interval", "never");
    tweak.accept(json);
    SecretScanner.install();
    AppConfig config = ConfigLoader.parse(json);
    PrometheusMeterRegistry registry = Application.newRegistry();
    Vertx vertx = Application.newVertx(registry);
    Application app;
    try {
      app = Application.start(vertx, config, clock, registry).await();
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
    TestServer server = new TestServer(vertx, app, config, registry, json.copy());
    server.clock = clock;
    return server;
  }

  public static TestServer start(TestDatabases.Kind db, Path dir) {
    return start(db, dir, json -> { });
  }

  public String baseUrl() {
    return config.http().scheme() + "://127.0.0.1:" + app.port();
  }

  public int port() {
    return app.port();
  }

  public AppConfig config() {
    return config;
  }

  /** The whole configuration the server runs with, as JSON (for a configuration file). */
  public JsonObject configJson() {
    return configJson.copy();
  }

  /**
   * Issues an API token straight on the server's database, as {@code token create --bootstrap}
   * does: {@code request} as TokenService#create takes it ({@code actor} defaults to
   * {@code test}). The secret.
   */
  public String token(JsonObject request) {
    Database db = Database.open(vertx, config.database());
    try {
      return new TokenService(new EventLog(db, clock), config.security())
          .create(request.copy().put("actor", request.getString("actor", "test")))
          .await().getString("token");
    } finally {
      db.close().await();
    }
  }

  /** A token named {@code name} with {@code roles}, for every producer, default expiry. */
  public String token(String name, String... roles) {
    return token(new JsonObject().put("name", name)
        .put("roles", new io.vertx.core.json.JsonArray(java.util.List.of(roles))));
  }

  public Vertx vertx() {
    return vertx;
  }

  public Application app() {
    return app;
  }

  @Override
  public void close() {
    app.stop().eventually(vertx::close).await();
    SecretScanner.assertNoSecretLogged();
  }
}
