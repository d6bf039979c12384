package io.artifactstore.db;

import io.artifactstore.config.AppConfig;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.ui.LoggerUIService;

/**
 * Applies the Liquibase changelogs in {@code schema/} to the configured database. Blocking: call
 * it from the CLI thread or a worker, never from an event loop.
 */
public final class Migrations {

  public static final String CHANGELOG = "schema/changelog.xml";

  private Migrations() {}

  /** Brings the schema up to date; a no-op when it already is. */
  public static void apply(AppConfig.Database config) {
    System.setProperty("liquibase.analytics.enabled", "false");
    Logger.getLogger("liquibase").setLevel(Level.WARNING);
    try (Connection connection = connect(config)) {
      liquibase.database.Database database = DatabaseFactory.getInstance()
          .findCorrectDatabaseImplementation(new JdbcConnection(connection));
      Map<String, Object> scope = new HashMap<>();
      scope.put(Scope.Attr.resourceAccessor.name(),
          new ClassLoaderResourceAccessor(Migrations.class.getClassLoader()));
      scope.put(Scope.Attr.ui.name(), new LoggerUIService());
      Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
          .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
          .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
          .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
          .execute());
    } catch (Exception e) {
      throw new IllegalStateException("database migration failed: " + e.getMessage(), e);
    }
  }

  static Connection connect(AppConfig.Database config) throws SQLException {
    Properties props = new Properties();
    if (config.isPostgres()) {
      PgConnectOptions o = PgConnectOptions.fromUri(config.url());
      if (o.getUser() != null) {
        props.setProperty("user", o.getUser());
      }
      if (o.getPassword() != null) {
        props.setProperty("password", o.getPassword());
      }
    } else {
      java.nio.file.Path file = Database.sqliteFile(config.url());
      try {
        if (file.getParent() != null) {
          java.nio.file.Files.createDirectories(file.getParent());
        }
      } catch (java.io.IOException e) {
        throw new SQLException("cannot create the folder of " + file, e);
      }
    }
    return DriverManager.getConnection(Database.jdbcUrl(config.url()), props);
  }
}
