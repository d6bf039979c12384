package io.artifactstore.cluster;

import io.artifactstore.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This server's line to the other servers on one PostgreSQL database: a connection of its own
 * (outside the pool) that {@code LISTEN}s on {@value #CHANNEL}, and {@code pg_notify} through the
 * pool to send. The connection is named {@code artifact-store-peer/<host>/<pid>/<random>}
 * ({@code application_name}) once it listens, so that {@code pg_stat_activity} lists exactly
 * the servers that hear the channel: {@link #peers()}.
 *
 * <p>When the connection is lost the server cannot hear invalidations: {@code onDeaf} runs, and
 * (logged at INFO: a database outage is reported once, by the requests it fails)
 * the channel reconnects (1 s, doubling up to 10 s) until it listens again, when
 * {@code onListening} runs. Both run on the deploying verticle's context. PostgreSQL
 * delivers a notification only when the sending transaction commits, to every session
 * listening then, in commit order (<a
 * href="https://www.postgresql.org/docs/current/sql-notify.html">NOTIFY</a>).
 */
final class PeerChannel {

  private static final Logger LOG = Logger.getLogger(PeerChannel.class.getName());

  /** The channel every server listens on. */
  static final String CHANNEL = Database.PEER_CHANNEL;
  /** {@code application_name} prefix of the listening connections. */
  static final String PEER_PREFIX = "artifact-store-peer/";
  private static final long FIRST_RETRY_MS = 1_000;
  private static final long MAX_RETRY_MS = 10_000;

  private final Vertx vertx;
  private final Database db;
  private final PgConnectOptions options;
  private final String name;
  private final BiConsumer<PeerMessage, Integer> handler;
  private final Runnable onListening;
  private final Runnable onDeaf;
  private PgConnection connection;
  private long retryMs = FIRST_RETRY_MS;
  private boolean closed;
  private boolean warned;

  PeerChannel(Vertx vertx, Database db, String databaseUrl,
      BiConsumer<PeerMessage, Integer> handler,
      Runnable onListening, Runnable onDeaf) {
    this.vertx = vertx;
    this.db = db;
    this.options = PgConnectOptions.fromUri(databaseUrl)
        .addProperty("application_name", "artifact-store");
    this.name = peerName();
    this.handler = handler;
    this.onListening = onListening;
    this.onDeaf = onDeaf;
  }

  /** This server's name among its peers. */
  String name() {
    return name;
  }

  /** Connects in the background: a database that is down now is tried again until it is up. */
  void start() {
    connect();
  }

  private void connect() {
    if (closed) {
      return;
    }
    PgConnection.connect(vertx, options).compose(c -> {
      // Handlers first: a notification may follow LISTEN's answer in the same read.
      c.notificationHandler(n -> receive(n.getPayload(), n.getProcessId()));
      c.closeHandler(v -> lost(c));
      return c.query("LISTEN " + CHANNEL).execute()
          .compose(r -> c.query("SET application_name = '" + name + "'").execute())
          .map(c)
          .onFailure(e -> c.close());
    }).onComplete(ar -> {
      if (ar.failed()) {
        if (!warned) {
          warned = true;
          // INFO: a database outage is logged once, as a fault, by the requests it fails.
          LOG.info("cannot listen to the other servers on the database ("
              + ar.cause().getMessage() + "); file locations are not cached until it can");
        }
        retry();
        return;
      }
      if (closed) {
        ar.result().close();
        return;
      }
      connection = ar.result();
      retryMs = FIRST_RETRY_MS;
      if (warned) {
        LOG.info("listening to the other servers on the database again");
      }
      warned = false;
      onListening.run();
    });
  }

  private void lost(PgConnection c) {
    if (connection != c) {
      return;
    }
    connection = null;
    onDeaf.run();
    if (!closed) {
      warned = true;
      LOG.info("lost the connection that listens to the other servers on the database; "
          + "file locations are not cached until it is back");
      retry();
    }
  }

  private void retry() {
    long delay = retryMs;
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    vertx.setTimer(delay, t -> connect());
  }

  /** {@code sender}: the backend pid of the session that sent it. */
  private void receive(String payload, int sender) {
    PeerMessage message;
    try {
      message = PeerMessage.decode(payload);
    } catch (IllegalArgumentException e) {
      LOG.log(Level.FINE, "ignored a notification on " + CHANNEL, e);
      return;
    }
    handler.accept(message, sender);
  }

  /**
   * Sends {@code message} to every server listening now (this one included), from the
   * listening session, so that receivers can tell it from a notification of anyone else (its
   * pid is the one {@link #peers} lists for this server).
   */
  Future<Void> send(PeerMessage message) {
    PgConnection c = connection;
    if (c == null) {
      return Future.failedFuture("not listening to the other servers");
    }
    return c.preparedQuery("SELECT pg_notify($1, $2)")
        .execute(io.vertx.sqlclient.Tuple.of(CHANNEL, message.encode())).mapEmpty();
  }

  /**
   * The servers that listen now, this one excluded: name to the pid of their listening
   * session. Only sessions of this server's own database role count: another role that can
   * connect cannot pose as a server.
   */
  Future<Map<String, Integer>> peers() {
    return db.query("SELECT application_name, pid FROM pg_stat_activity "
            + "WHERE datname = current_database() AND usename = current_user "
            + "AND backend_type = 'client backend' AND starts_with(application_name, ?)",
            PEER_PREFIX)
        .map(rows -> {
          Map<String, Integer> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getString("application_name"), r.getInteger("pid")));
          out.remove(name);
          return out;
        });
  }

  Future<Void> close() {
    closed = true;
    PgConnection c = connection;
    connection = null;
    return c == null ? Future.succeededFuture() : c.close();
  }

  /** {@code artifact-store-peer/<host>/<pid>/<8 hex>}, within PostgreSQL's 63 bytes. */
  private static String peerName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown";
    }
    host = host.replaceAll("[^A-Za-z0-9.-]", "-");
    if (host.length() > 20) {
      host = host.substring(0, 20);
    }
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    return PEER_PREFIX + host + "/" + ProcessHandle.current().pid() + "/"
        + HexFormat.of().formatHex(random);
  }
}
