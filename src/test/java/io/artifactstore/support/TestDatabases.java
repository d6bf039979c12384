package io.artifactstore.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real databases for tests: a fresh SQLite file, or a fresh database on a real PostgreSQL
 * server. The server is the one named by {@code ARTIFACTSTORE_TEST_POSTGRES_URL}
 * ({@code postgresql://user:password@host:port/postgres}) when set, else an embedded PostgreSQL
 * started once per test JVM from the binaries on the class path. Nothing is skipped: if no
 * PostgreSQL can be had, the tests that need it fail.
 */
public final class TestDatabases {

  /** The databases the registry and HTTP suites run against. */
  public enum Kind { SQLITE, POSTGRESQL }

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static String adminUrl;
  private static EmbeddedPostgres embedded;

  private TestDatabases() {}

  /** A {@code database.url} for a new, empty database of {@code kind}. */
  public static String newDatabase(Kind kind, Path tempDir) {
    return switch (kind) {
      case SQLITE -> "sqlite:" + tempDir.resolve("db-" + COUNTER.incrementAndGet() + ".sqlite");
      case POSTGRESQL -> newPostgresDatabase();
    };
  }

  private static synchronized String newPostgresDatabase() {
    String admin = postgresAdminUrl();
    String name = "t_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    java.net.URI uri = java.net.URI.create(admin);
    String[] userInfo = uri.getUserInfo().split(":", 2);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    try (Connection c = DriverManager.getConnection(jdbc, userInfo[0],
        userInfo.length > 1 ? userInfo[1] : "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test database on " + jdbc, e);
    }
    return "postgresql://" + uri.getUserInfo() + "@" + uri.getHost() + ":" + uri.getPort() + "/"
        + name;
  }

  /** A JDBC connection to the database of a {@code postgresql://user:password@host:port/db} URL. */
  public static Connection connect(String databaseUrl) throws SQLException {
    java.net.URI uri = java.net.URI.create(databaseUrl);
    String[] user = uri.getUserInfo().split(":", 2);
    return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort()
        + uri.getPath(), user[0], user.length > 1 ? user[1] : "");
  }

  /**
   * The servers that listen to each other on the database of {@code databaseUrl}: the
   * {@code application_name}s of their listening sessions (cluster.PeerChannel).
   */
  public static java.util.List<String> listeningServers(String databaseUrl) throws SQLException {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Connection c = connect(databaseUrl); Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT application_name FROM pg_stat_activity "
            + "WHERE datname = current_database() "
            + "AND application_name LIKE 'artifact-store-peer/%'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** The admin URL of the test PostgreSQL server, starting an embedded one if needed. */
  public static synchronized String postgresAdminUrl() {
    if (adminUrl != null) {
      return adminUrl;
    }
    String fromEnv = System.getenv("ARTIFACTSTORE_TEST_POSTGRES_URL");
    if (fromEnv != null && !fromEnv.isBlank()) {
      adminUrl = fromEnv;
      return adminUrl;
    }
    try {
      Path dir = Files.createTempDirectory("artifact-store-pg");
      embedded = EmbeddedPostgres.builder()
          .setOverrideWorkingDirectory(dir.toFile())
          .setCleanDataDirectory(true)
          .start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
        // The unpacked PostgreSQL binaries and the cluster (about 60 MiB) go with the JVM.
        TempFolders.deleteTree(dir);
      }));
      adminUrl = "postgresql://postgres:postgres@localhost:" + embedded.getPort() + "/postgres";
      return adminUrl;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start embedded PostgreSQL", e);
    }
  }
}
