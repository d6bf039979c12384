package io.artifactstore.db;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether the database answers, as seen by the requests that use it.
 *
 * <p>A failure that means the database cannot be reached or cannot serve now (refused or lost
 * connections, a server shutting down, a pool that cannot hand out a connection in time, SQLite
 * unable to open, read or lock its file) is an outage: the request fails with
 * {@code database_unavailable} (503, {@code Retry-After}) instead of an internal error, and the
 * outage is logged once when it starts and once when it ends, whatever the number of requests
 * in between. Any success ends it. Every other failure (a bug, a constraint) passes through
 * unchanged. Thread-safe: the control-plane verticles share one.
 */
public final class DatabaseAvailability {

  private static final Logger LOG = Logger.getLogger(DatabaseAvailability.class.getName());

  private boolean down;
  private long downSinceNanos;
  private long failedRequests;

  /** Passes {@code result} through, recording what it says of the database. */
  public <T> Future<T> observe(Future<T> result) {
    return result.transform(ar -> {
      if (ar.succeeded()) {
        succeeded();
        return Future.succeededFuture(ar.result());
      }
      Throwable cause = ar.cause();
      if (isOutage(cause)) {
        failed(cause);
        return Future.failedFuture(new ApiException(ErrorCode.DATABASE_UNAVAILABLE,
            "the database is unavailable (" + summary(cause) + "); retry later"));
      }
      return Future.failedFuture(cause);
    });
  }

  /** Whether the last request that used the database succeeded. */
  public synchronized boolean up() {
    return !down;
  }

  synchronized void succeeded() {
    if (down) {
      down = false;
      LOG.log(Level.WARNING, "database available again after "
          + Duration.ofNanos(System.nanoTime() - downSinceNanos).toSeconds() + " s; "
          + failedRequests + " requests were answered 503 database_unavailable meanwhile");
    }
  }

  synchronized void failed(Throwable cause) {
    if (!down) {
      down = true;
      downSinceNanos = System.nanoTime();
      failedRequests = 0;
      LOG.log(Level.WARNING, "database unavailable: " + summary(cause)
          + "; requests that need it are answered 503 database_unavailable until it answers "
          + "again");
    }
    failedRequests++;
  }

  /**
   * Whether {@code failure} (or a cause of it) means the database cannot serve now, as opposed
   * to a bad statement or a violated constraint.
   */
  public static boolean isOutage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException
          || t instanceof TimeoutException) {
        return true;
      }
      if (t instanceof PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        // 08: connection exception; 57P0x: shutdown and crash; 53: insufficient resources.
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
          return true;
        }
      }
      if (t instanceof SQLException sql && sqliteOutage(sql)) {
        return true;
      }
      if (t instanceof VertxException || t instanceof IOException) {
        String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("connection refused") || m.contains("connection reset")
            || m.contains("connection is closed") || m.contains("pool closed")
            || m.contains("timeout")) {
          return true;
        }
      }
    }
    return false;
  }

  /** SQLite's result codes of a file it cannot open, read, write or lock. */
  private static boolean sqliteOutage(SQLException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED") || m.contains("SQLITE_IOERR")
        || m.contains("SQLITE_CANTOPEN") || m.contains("SQLITE_READONLY")
        || m.contains("SQLITE_FULL") || m.contains("SQLITE_PROTOCOL");
  }

  private static String summary(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
