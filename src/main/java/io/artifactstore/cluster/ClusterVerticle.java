package io.artifactstore.cluster;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.bus.CacheInvalidation;
import io.artifactstore.config.AppConfig;
import io.artifactstore.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the servers on one database one service. It answers {@link Addresses#CACHE_INVALIDATE}
 * (a {@link CacheInvalidation}, sent by the control plane after a commit that changes what may
 * be served or revokes a token) once this server's {@link LocationCache} and verified-token
 * cache have dropped what it names and, on
 * PostgreSQL, once every other server listening on the database has too: the request that made
 * the change answers after that. A server that does not confirm within
 * {@code database.peer_ack_timeout} is named in a warning and the answer goes on; its entries
 * still expire (the cache's own lifetime). Never fails: the change is committed whatever happens
 * to its announcement.
 *
 * <p>It also relays the {@code events} notifications of other servers' appends to
 * {@link Addresses#EVENTS_APPENDED}, so that event notifications reach consumers of every
 * server as soon as they are committed anywhere.
 *
 * <p>Why PostgreSQL {@code LISTEN/NOTIFY} rather than a clustered event bus: the servers already
 * share the database and its availability decides theirs; a cluster manager (Hazelcast,
 * Infinispan) would add membership, ports and a failure mode of its own. On SQLite the database
 * belongs to one server, and only the local cache is concerned.
 */
public final class ClusterVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ClusterVerticle.class.getName());

  /** Names per notification: keeps a payload well under PostgreSQL's 8000 bytes. */
  static final int NAMES_PER_MESSAGE = 80;

  private final AppConfig config;
  private final Database db;
  private final LocationCache cache;
  private final java.util.function.Consumer<String> tokenRevoked;
  private final Map<String, Pending> pending = new HashMap<>();
  private PeerChannel channel;

  /** One notification waiting for its acknowledgements: peer name to its session's pid. */
  private static final class Pending {
    final String id = java.util.UUID.randomUUID().toString();
    final Map<String, Integer> waiting;
    final Promise<Void> done = Promise.promise();

    Pending(Map<String, Integer> waiting) {
      this.waiting = waiting;
    }
  }

  /**
   * Peers that let a change wait out its deadline: not waited for again until they confirm
   * something (a host that vanished stays listed in pg_stat_activity until TCP gives up).
   */
  private final Set<String> silent = new HashSet<>();
  /** The peers last listed, name to pid: an acknowledgement must come from that session. */
  private Map<String, Integer> known = Map.of();

  /**
   * {@code cache} is the server's cache of file locations; {@code tokenRevoked} is told the id
   * of each API token revoked (here or on another server), to drop it from the verified tokens
   * the server caches.
   */
  public ClusterVerticle(AppConfig config, Database db, LocationCache cache,
      java.util.function.Consumer<String> tokenRevoked) {
    this.tokenRevoked = tokenRevoked;
    this.config = config;
    this.db = db;
    this.cache = cache;
  }

  @Override
  public Future<?> start() {
    if (db.dialect() == Database.Dialect.POSTGRESQL) {
      // Not trusted until the channel listens: an invalidation sent before would be missed.
      cache.distrust();
      channel = new PeerChannel(vertx, db, config.database().url(), this::receive,
          cache::trust, cache::distrust);
      channel.start();
    }
    return Bus.serve(vertx, Addresses.CACHE_INVALIDATE,
        body -> invalidate(CacheInvalidation.fromJson(body)).map(v -> new JsonObject()))
        .completion();
  }

  @Override
  public Future<?> stop() {
    pending.values().forEach(p -> p.done.tryComplete());
    return channel == null ? Future.succeededFuture() : channel.close();
  }

  /**
   * Drops {@code change} here, then on every other server; completes when all have confirmed,
   * or at {@code database.peer_ack_timeout} after the call whatever happened (a slow database
   * included), naming the servers that did not confirm. Never fails.
   */
  private Future<Void> invalidate(CacheInvalidation change) {
    dropHere(change);
    if (channel == null) {
      return Future.succeededFuture();
    }
    long timeout = config.database().peerAckTimeout().toMillis();
    List<Pending> parts = new ArrayList<>();
    Promise<Void> all = Promise.promise();
    long timer = vertx.setTimer(timeout, t -> {
      Set<String> late = new java.util.TreeSet<>();
      for (Pending p : parts) {
        if (pending.remove(p.id) != null) {
          late.addAll(p.waiting.keySet());
        }
      }
      silent.addAll(late);
      LOG.warning((late.isEmpty() ? "the database" : "servers " + late) + " did not confirm "
          + "within " + timeout + " ms that " + change.toJson().encode() + " was dropped from "
          + "every server's caches; entries expire on their own, and a silent server is not "
          + "waited for again until it answers");
      all.tryComplete();
    });
    channel.peers().compose(peers -> {
      known = peers;
      Map<String, Integer> waitFor = new HashMap<>(peers);
      waitFor.keySet().removeAll(silent);
      silent.retainAll(peers.keySet());
      if (waitFor.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      List<Future<Void>> confirmed = new ArrayList<>();
      for (CacheInvalidation part : split(change)) {
        Pending p = new Pending(new HashMap<>(waitFor));
        parts.add(p);
        pending.put(p.id, p);
        confirmed.add(channel.send(PeerMessage.invalidate(channel.name(), p.id, part))
            .compose(v -> p.done.future()));
      }
      return Future.all(confirmed).<Void>mapEmpty();
    }).onComplete(ar -> {
      parts.forEach(p -> pending.remove(p.id));
      if (ar.failed() && !all.future().isComplete()) {
        LOG.warning("cannot tell the other servers on the database that "
            + change.toJson().encode() + " changed (" + ar.cause().getMessage()
            + "); their cached entries expire on their own");
      }
      vertx.cancelTimer(timer);
      all.tryComplete();
    });
    return all.future();
  }

  /** {@code sender}: the backend pid of the session that sent {@code m}. */
  private void receive(PeerMessage m, int sender) {
    switch (m.kind()) {
      case EVENTS -> vertx.eventBus().publish(Addresses.EVENTS_APPENDED, null);
      case INVALIDATE -> {
        if (!m.origin().equals(channel.name())) {
          dropHere(m.change());
          channel.send(m.ackFrom(channel.name())).onFailure(e -> LOG.log(Level.FINE,
              "cannot confirm invalidation " + m.id() + " to " + m.origin(), e));
        }
      }
      case ACK -> {
        // Only from the listening session of the server it names: anyone who can connect can
        // NOTIFY.
        if (!m.origin().equals(channel.name())
            || !Integer.valueOf(sender).equals(known.get(m.peer()))) {
          return;
        }
        silent.remove(m.peer());
        Pending p = pending.get(m.id());
        if (p != null && p.waiting.remove(m.peer()) != null && p.waiting.isEmpty()) {
          pending.remove(m.id());
          p.done.tryComplete();
        }
      }
      default -> throw new IllegalStateException("unknown kind " + m.kind());
    }
  }

  private void dropHere(CacheInvalidation change) {
    cache.invalidate(change);
    change.tokens().forEach(tokenRevoked);
  }

  /** {@code change} in parts of at most {@link #NAMES_PER_MESSAGE} names. */
  static List<CacheInvalidation> split(CacheInvalidation change) {
    List<CacheInvalidation> parts = new ArrayList<>();
    List<String> packages = change.packages();
    List<String> blobs = change.blobs();
    for (int i = 0; i < packages.size(); i += NAMES_PER_MESSAGE) {
      parts.add(new CacheInvalidation(
          packages.subList(i, Math.min(packages.size(), i + NAMES_PER_MESSAGE)), List.of()));
    }
    for (int i = 0; i < blobs.size(); i += NAMES_PER_MESSAGE) {
      parts.add(new CacheInvalidation(List.of(),
          blobs.subList(i, Math.min(blobs.size(), i + NAMES_PER_MESSAGE))));
    }
    List<String> tokens = change.tokens();
    for (int i = 0; i < tokens.size(); i += NAMES_PER_MESSAGE) {
      parts.add(new CacheInvalidation(List.of(), List.of(),
          tokens.subList(i, Math.min(tokens.size(), i + NAMES_PER_MESSAGE))));
    }
    return parts;
  }
}
