package io.artifactstore.cli;

import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Migrations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code migrate}: applies the schema changelogs and exits. */
@Command(name = "migrate", description = "Apply database migrations and exit.")
public final class MigrateCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() {
    AppConfig cfg = config.load();
    Migrations.apply(cfg.database());
    System.out.println("database is up to date: " + ServeCommand.redact(cfg.database().url()));
    return 0;
  }
}
