package io.artifactstore.db;

import io.artifactstore.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The metadata database: PostgreSQL through the reactive client, or the embedded SQLite default
 * through vertx-jdbc-client. Both expose the same {@link Pool}; the differences (placeholders,
 * binary parameters, the event-log lock) stay in this class.
 *
 * <p>Statements are written with {@code ?} placeholders and rewritten to {@code $n} for
 * PostgreSQL once per distinct statement.
 */
public final class Database {

  /** The SQL dialects spoken. */
  public enum Dialect { SQLITE, POSTGRESQL }

  /** Key of the PostgreSQL advisory lock that serializes appends to the event log. */
  private static final long EVENT_LOG_LOCK = 0x4172746966616374L;

  private final Pool pool;
  private final Dialect dialect;
  private final Map<String, String> rewritten = new ConcurrentHashMap<>();
  private final DatabaseAvailability availability = new DatabaseAvailability();
  private final java.util.List<Runnable> committedListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private Database(Pool pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
  }

  /** Opens a pool for the configured URL. For SQLite, the database file's folder is created. */
  public static Database open(Vertx vertx, AppConfig.Database config) {
    if (config.isPostgres()) {
      PgConnectOptions connect = PgConnectOptions.fromUri(config.url());
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(config.poolSize()).setName("artifact-store-pg"))
          .connectingTo(connect)
          .using(vertx)
          .build();
      return new Database(pool, Dialect.POSTGRESQL);
    }
    Path file = sqliteFile(config.url());
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the folder of " + file, e);
    }
    // One connection: SQLite has a single writer, and one connection avoids SQLITE_BUSY
    // between our own transactions. WAL keeps readers of other processes out of the way.
    Pool pool = JDBCPool.pool(vertx,
        new JDBCConnectOptions().setJdbcUrl(jdbcUrl(config.url())),
        new PoolOptions().setMaxSize(1).setName("artifact-store-sqlite"));
    return new Database(pool, Dialect.SQLITE);
  }

  /** The SQLite database file of a {@code sqlite:<file>} URL. */
  public static Path sqliteFile(String url) {
    return Path.of(url.substring("sqlite:".length()));
  }

  /** The JDBC URL that Liquibase (and the SQLite pool) use for a configured URL. */
  public static String jdbcUrl(String url) {
    if (url.startsWith("sqlite:")) {
      return "jdbc:sqlite:" + sqliteFile(url)
          + "?journal_mode=WAL&synchronous=FULL&busy_timeout=10000&foreign_keys=true";
    }
    PgConnectOptions o = PgConnectOptions.fromUri(url);
    return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Whether the database answers, from what the requests that used it saw. */
  public DatabaseAvailability availability() {
    return availability;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Runs {@code listener} after every transaction of this process that committed (on the
   * committing context; a listener must be quick and not fail). The event notifier uses it to
   * publish what was appended without waiting for its poll.
   */
  public void onCommitted(Runnable listener) {
    committedListeners.add(listener);
  }

  /** Runs {@code work} in one transaction: committed when its future succeeds, else rolled back. */
  public <T> Future<T> transaction(Function<SqlConnection, Future<T>> work) {
    return inTransaction(work).onSuccess(r -> committedListeners.forEach(Runnable::run));
  }

  private <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    if (dialect == Dialect.POSTGRESQL) {
      return pool.withTransaction(work);
    }
    // SQLite: BEGIN IMMEDIATE takes the write lock up front, so a transaction that reads then
    // writes never fails on a stale snapshot. The transaction is driven with SQL rather than
    // the JDBC client's own begin/commit, which leave the connection with auto-commit off, so
    // that every later read would run in an implicit transaction holding an old snapshot
    // (and blocking WAL checkpoints) until the next write.
    return pool.withConnection(conn -> conn.query("BEGIN IMMEDIATE").execute()
        .compose(begun -> work.apply(conn).transform(done -> {
          if (done.succeeded()) {
            return conn.query("COMMIT").execute().map(done.result());
          }
          return conn.query("ROLLBACK").execute()
              .transform(rolledBack -> Future.<T>failedFuture(done.cause()));
        })));
  }

  /** Runs one statement on {@code client} (the pool or a connection in a transaction). */
  public Future<RowSet<Row>> query(SqlClient client, String sql, Object... args) {
    return client.preparedQuery(sql(sql)).execute(Tuple.from(args));
  }

  /** Runs one statement on the pool. */
  public Future<RowSet<Row>> query(String sql, Object... args) {
    return query(pool, sql, args);
  }

  /**
   * Serializes appends to the event log until the end of the transaction. SQLite needs nothing:
   * it has one connection and one writer.
   */
  public Future<Void> lockEventLog(SqlConnection conn) {
    if (dialect == Dialect.SQLITE) {
      return Future.succeededFuture();
    }
    return query(conn, "SELECT pg_advisory_xact_lock(?)", EVENT_LOG_LOCK).mapEmpty();
  }

  /** The PostgreSQL channel the servers on one database talk on (see cluster.PeerChannel). */
  public static final String PEER_CHANNEL = "artifactstore";

  /** What an appending transaction sends on {@link #PEER_CHANNEL}. */
  public static final String EVENTS_APPENDED = "{\"kind\":\"events\"}";

  /**
   * On PostgreSQL, tells every server listening on {@link #PEER_CHANNEL} that the event log
   * grew, when (and only if) the transaction of {@code conn} commits; identical notifications of
   * one transaction are delivered once. SQLite needs nothing: its database has one server.
   */
  public Future<Void> announceAppend(SqlConnection conn) {
    if (dialect == Dialect.SQLITE) {
      return Future.succeededFuture();
    }
    return query(conn, "SELECT pg_notify(?, ?)", PEER_CHANNEL, EVENTS_APPENDED).mapEmpty();
  }

  /** Key of the PostgreSQL advisory lock held by the server checking integrity. */
  public static final long INTEGRITY_LOCK = 0x4172746966616376L;

  /** Key of the PostgreSQL advisory lock held by the server that is sweeping. */
  public static final long SWEEPER_LOCK = 0x4172746966616375L;

  /**
   * Runs {@code work} while holding a cluster-wide lock, or completes with null without running
   * it when another server holds the lock. On PostgreSQL a session advisory lock on one pooled
   * connection; SQLite databases belong to one server, so the work just runs.
   */
  public <T> Future<T> withExclusiveLock(long key, java.util.function.Supplier<Future<T>> work) {
    if (dialect == Dialect.SQLITE) {
      return work.get();
    }
    return pool.getConnection().compose(conn -> query(conn, "SELECT pg_try_advisory_lock(?) AS ok",
            key)
        .compose(rows -> {
          if (!rows.iterator().next().getBoolean("ok")) {
            return Future.<T>succeededFuture(null);
          }
          return work.get().eventually(() -> query(conn, "SELECT pg_advisory_unlock(?)", key));
        })
        .eventually(conn::close));
  }

  /** A binary parameter in the form the driver takes. */
  public Object binary(byte[] bytes) {
    return dialect == Dialect.POSTGRESQL ? Buffer.buffer(bytes) : bytes;
  }

  /** Reads a binary column whichever way the driver returned it. */
  public static byte[] bytes(Row row, String column) {
    Object v = row.getValue(column);
    if (v == null) {
      return null;
    }
    if (v instanceof byte[] b) {
      return b;
    }
    if (v instanceof Buffer b) {
      return b.getBytes();
    }
    throw new IllegalStateException("column " + column + " is not binary: " + v.getClass());
  }

  /** Reads a nullable integer column as a Long. */
  public static Long longOrNull(Row row, String column) {
    Object v = row.getValue(column);
    return v == null ? null : ((Number) v).longValue();
  }

  String sql(String sql) {
    if (dialect == Dialect.SQLITE) {
      return sql;
    }
    return rewritten.computeIfAbsent(sql, Database::numberPlaceholders);
  }

  /** {@code ?} to {@code $1, $2, ...}, leaving quoted text alone. */
  static String numberPlaceholders(String sql) {
    StringBuilder out = new StringBuilder(sql.length() + 8);
    int n = 0;
    boolean quoted = false;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      }
      if (c == '?' && !quoted) {
        out.append('$').append(++n);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  public Future<Void> close() {
    return pool.close();
  }
}
