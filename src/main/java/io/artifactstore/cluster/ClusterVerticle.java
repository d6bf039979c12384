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
 * be served) once this server's {@link LocationCache} has dropped what it names and, on
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
  private final Map<String, Pending> pending = new HashMap<>();
  private PeerChannel channel;
  private long counter;

  /** A change waiting for its acknowledgements. */
  private static final class Pending {
    final Set<String> waiting;
    final Promise<Void> done = Promise.promise();
    long timer;

    Pending(Set<String> waiting) {
      this.waiting = waiting;
    }
  }

  public ClusterVerticle(AppConfig config, Database db, LocationCache cache) {
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

  /** Drops {@code change} here, then on every other server; completes when all have. */
  private Future<Void> invalidate(CacheInvalidation change) {
    cache.invalidate(change);
    if (channel == null) {
      return Future.succeededFuture();
    }
    List<Future<Void>> parts = new ArrayList<>();
    for (CacheInvalidation part : split(change)) {
      parts.add(announce(part));
    }
    return Future.join(parts).mapEmpty();
  }

  private Future<Void> announce(CacheInvalidation part) {
    String id = Long.toString(++counter);
    return channel.peers().compose(peers -> {
      if (peers.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      Pending p = new Pending(new HashSet<>(peers));
      pending.put(id, p);
      long timeout = config.database().peerAckTimeout().toMillis();
      p.timer = vertx.setTimer(timeout, t -> {
        if (pending.remove(id) != null) {
          LOG.warning("servers " + p.waiting + " did not confirm within " + timeout
              + " ms that they dropped cached locations of " + part.toJson().encode()
              + "; their entries expire on their own");
          p.done.tryComplete();
        }
      });
      channel.send(PeerMessage.invalidate(channel.name(), id, part)).onFailure(e -> {
        if (pending.remove(id) != null) {
          vertx.cancelTimer(p.timer);
          p.done.tryComplete();
        }
      });
      return p.done.future();
    }).recover(e -> {
      LOG.log(Level.WARNING, "cannot tell the other servers on the database that "
          + part.toJson().encode() + " changed (" + e.getMessage()
          + "); their cached entries expire on their own");
      return Future.succeededFuture();
    });
  }

  private void receive(PeerMessage m) {
    switch (m.kind()) {
      case EVENTS -> vertx.eventBus().publish(Addresses.EVENTS_APPENDED, null);
      case INVALIDATE -> {
        if (!m.origin().equals(channel.name())) {
          cache.invalidate(m.change());
          channel.send(m.ackFrom(channel.name())).onFailure(e -> LOG.log(Level.FINE,
              "cannot confirm invalidation " + m.id() + " to " + m.origin(), e));
        }
      }
      case ACK -> {
        if (m.origin().equals(channel.name())) {
          Pending p = pending.get(m.id());
          if (p != null && p.waiting.remove(m.peer()) && p.waiting.isEmpty()) {
            pending.remove(m.id());
            vertx.cancelTimer(p.timer);
            p.done.tryComplete();
          }
        }
      }
      default -> throw new IllegalStateException("unknown kind " + m.kind());
    }
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
    return parts;
  }
}
