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

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg;
    try {
      cfg = config.load();
      // Refused before anything starts: bound beyond loopback with nobody authenticated.
      io.artifactstore.security.AnonymousAccess.resolve(cfg);
      cfg.security().oidc().ifPresent(o -> io.artifactstore.security.OidcRules.from(o.rules()));
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("artifact-store: configuration error: "
          + e.getMessage());
      spec.commandLine().getErr().flush();
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
    long stopSeconds = cfg.http().shutdownGrace().toSeconds() + STOP_MARGIN_SECONDS;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      int status = 0;
      try {
        app.stop().compose(v -> vertx.close())
            .toCompletionStage().toCompletableFuture().get(stopSeconds, TimeUnit.SECONDS);
        System.err.println("artifact-store: stopped");
      } catch (Exception e) {
        System.err.println("artifact-store: unclean shutdown: " + e);
        status = 1;
      }
      // SIGTERM would otherwise end the JVM with status 143: a stop that completed is a clean
      // exit (0), one that did not is a failure (1), as service managers expect.
      Runtime.getRuntime().halt(status);
    }, "artifact-store-shutdown"));
    System.out.println("artifact-store listening on " + cfg.http().scheme() + "://"
        + cfg.http().host() + ":" + app.port() + " (database " + redact(cfg.database().url()) + ", storage "
        + cfg.storage().defaultBackend() + ")");
    cfg.http().management().ifPresent(m -> System.out.println("artifact-store health and "
        + "metrics on http://" + m.host() + ":" + app.managementPort()));
    return 0;
  }

  /** Time beyond the grace period for undeploying the rest and closing the database. */
  static final long STOP_MARGIN_SECONDS = 15;

  /** The URL without its password. */
  static String redact(String url) {
    return url.replaceAll("://([^:/@]+):[^@]*@", "://$1:***@");
  }
}
