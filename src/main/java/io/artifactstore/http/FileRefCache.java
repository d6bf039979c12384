package io.artifactstore.http;

import io.artifactstore.bus.CacheInvalidation;
import io.artifactstore.cluster.LocationCache;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * References of files in finalized packages, kept by the server (one cache for its HTTP
 * verticles) so that repeated downloads skip the registry round trip. A finalized package's
 * files never change; after every commit that changes a package's state (a deletion, say) or
 * starts reclaiming content, the control plane has the entries of those packages and that
 * content dropped here and on every other server on the database before it answers
 * (cluster.ClusterVerticle). While this server cannot hear the others it keeps nothing
 * ({@link #distrust}). Entries also expire after {@link #TTL_NANOS}, a bound for a server that
 * did not confirm in time. Serving never depends on an entry being current: downloads open the
 * bytes before they answer and look the file up again when the bytes are gone. Thread-safe.
 */
public final class FileRefCache implements LocationCache {

  /** Entries per server; a reference is a few hundred bytes. */
  static final int CAPACITY = 10_000;

  /** How long an entry is trusted. */
  static final long TTL_NANOS = 10_000_000_000L;

  private record Cached(JsonObject ref, long bornNanos) {}

  /** Counts invalidations: a lookup that started before one may carry what it dropped. */
  private long generation;

  /** Whether entries may be kept: false while the server cannot hear the other servers. */
  private boolean trusted = true;

  private final Map<String, Cached> entries = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
      return size() > CAPACITY;
    }
  };

  synchronized JsonObject get(String pkg, String path) {
    String key = key(pkg, path);
    Cached e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (System.nanoTime() - e.bornNanos() > TTL_NANOS) {
      entries.remove(key);
      return null;
    }
    return e.ref();
  }

  /** The current generation, to pass back to {@link #offer} with the answer of a lookup. */
  synchronized long generation() {
    return generation;
  }

  /**
   * Keeps {@code ref}, the answer of a lookup started at {@code startedAt} (a
   * {@link #generation}), if its package is finalized and nothing was invalidated since the
   * lookup started: the answer may predate the invalidation.
   */
  synchronized void offer(JsonObject ref, long startedAt) {
    if (trusted && startedAt == generation && "finalized".equals(ref.getString("package_status"))) {
      entries.put(key(ref.getString("package"), ref.getString("path")),
          new Cached(ref, System.nanoTime()));
    }
  }

  synchronized void invalidate(String pkg) {
    generation++;
    String prefix = pkg + '\u0000';
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** Drops what {@code change} names. */
  @Override
  public synchronized void invalidate(CacheInvalidation change) {
    generation++;
    change.packages().forEach(this::invalidate);
    if (!change.blobs().isEmpty()) {
      Set<String> blobs = Set.copyOf(change.blobs());
      entries.values().removeIf(e -> blobs.contains(e.ref().getString("sha256")));
    }
  }

  @Override
  public synchronized void distrust() {
    trusted = false;
    generation++;
    entries.clear();
  }

  @Override
  public synchronized void trust() {
    trusted = true;
    // A lookup that started while distrusted may have read state that an invalidation this
    // server did not hear has since changed: its answer is not kept.
    generation++;
  }

  private static String key(String pkg, String path) {
    return pkg + '\u0000' + path;
  }
}
