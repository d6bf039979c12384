package io.artifactstore.cluster;

import io.artifactstore.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Consumer;
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
  private final Consumer<PeerMessage> handler;
  private final Runnable onListening;
  private final Runnable onDeaf;
  private PgConnection connection;
  private long retryMs = FIRST_RETRY_MS;
  private boolean closed;
  private boolean warned;

  PeerChannel(Vertx vertx, Database db, String databaseUrl, Consumer<PeerMessage> handler,
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

  /** Whether the channel listens now. */
  boolean listening() {
    return connection != null;
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
      c.notificationHandler(n -> receive(n.getPayload()));
      c.closeHandler(v -> lost(c));
      return c.query("LISTEN " + CHANNEL).execute()
          .compose(r -> c.query("SET application_name = '" + name + "'").execute())
          .map(c)
          .onFailure(e -> c.close());
    }).onComplete(ar -> {
      if (ar.failed()) {
        if (!warned) {
          warned = true;
          LOG.warning("cannot listen to the other servers on the database ("
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
      LOG.warning("lost the connection that listens to the other servers on the database; "
          + "file locations are not cached until it is back");
      retry();
    }
  }

  private void retry() {
    long delay = retryMs;
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    vertx.setTimer(delay, t -> connect());
  }

  private void receive(String payload) {
    PeerMessage message;
    try {
      message = PeerMessage.decode(payload);
    } catch (IllegalArgumentException e) {
      LOG.log(Level.FINE, "ignored a notification on " + CHANNEL, e);
      return;
    }
    handler.accept(message);
  }

  /** Sends {@code message} to every server listening now (this one included). */
  Future<Void> send(PeerMessage message) {
    return db.query("SELECT pg_notify(?, ?)", CHANNEL, message.encode()).mapEmpty();
  }

  /** The names of the servers that listen now, this one excluded. */
  Future<Set<String>> peers() {
    return db.query("SELECT application_name FROM pg_stat_activity "
            + "WHERE datname = current_database() AND starts_with(application_name, ?)",
            PEER_PREFIX)
        .map(rows -> {
          Set<String> out = new HashSet<>();
          rows.forEach(r -> out.add(r.getString("application_name")));
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
