package io.artifactstore.cli;

import io.artifactstore.Application;
import io.artifactstore.config.AppConfig;
import io.artifactstore.config.ConfigException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code serve}: migrates the schema and runs the server until it is stopped. */
@Command(name = "serve", description = "Run the server (migrates the database first).")
public final class ServeCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg;
    try {
      cfg = config.load();
    } catch (ConfigException e) {
      System.err.println("artifact-store: configuration error: " + e.getMessage());
      return 2;
    }
    PrometheusMeterRegistry registry = Application.newRegistry();
    Vertx vertx = Application.newVertx(registry);
    Application app;
    try {
      app = Application.start(vertx, cfg, Clock.systemUTC(), registry)
          .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      System.err.println("artifact-store: cannot start: " + cause.getMessage());
      vertx.close();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        app.stop().compose(v -> vertx.close())
            .toCompletionStage().toCompletableFuture().get(45, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("artifact-store: unclean shutdown: " + e);
      }
    }, "artifact-store-shutdown"));
    System.out.println("artifact-store listening on http://" + cfg.http().host() + ":"
        + app.port() + " (database " + redact(cfg.database().url()) + ", storage "
        + cfg.storage().defaultBackend() + ")");
    return 0;
  }

  /** The URL without its password. */
  static String redact(String url) {
    return url.replaceAll("://([^:/@]+):[^@]*@", "://$1:***@");
  }
}
