package io.artifactstore.http;

import io.artifactstore.bus.CacheInvalidation;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * References of files in finalized packages, kept by each HTTP verticle so that repeated
 * downloads skip the registry round trip. A finalized package's files never change; the
 * control plane publishes a {@link io.artifactstore.bus.CacheInvalidation} after every commit
 * that changes a package's state (a deletion, say) or starts reclaiming content, and the
 * entries of those packages and that content are dropped. That message reaches this server
 * only; entries also expire after {@link #TTL_NANOS}, which bounds how long another server
 * sharing the database may answer for a package deleted here. Serving never depends on an entry
 * being current: downloads open the bytes before they answer and look the file up again when
 * the bytes are gone. Confined to its verticle's event loop.
 */
final class FileRefCache {

  /** Entries per verticle; a reference is a few hundred bytes. */
  static final int CAPACITY = 10_000;

  /** How long an entry is trusted. */
  static final long TTL_NANOS = 10_000_000_000L;

  private record Cached(JsonObject ref, long bornNanos) {}

  /** Counts invalidations: a lookup that started before one may carry what it dropped. */
  private long generation;

  private final Map<String, Cached> entries = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
      return size() > CAPACITY;
    }
  };

  JsonObject get(String pkg, String path) {
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
  long generation() {
    return generation;
  }

  /**
   * Keeps {@code ref}, the answer of a lookup started at {@code startedAt} (a
   * {@link #generation}), if its package is finalized and nothing was invalidated since the
   * lookup started: the answer may predate the invalidation.
   */
  void offer(JsonObject ref, long startedAt) {
    if (startedAt == generation && "finalized".equals(ref.getString("package_status"))) {
      entries.put(key(ref.getString("package"), ref.getString("path")),
          new Cached(ref, System.nanoTime()));
    }
  }

  void invalidate(String pkg) {
    generation++;
    String prefix = pkg + '\u0000';
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /** Drops what {@code change} names. */
  void invalidate(CacheInvalidation change) {
    generation++;
    change.packages().forEach(this::invalidate);
    if (!change.blobs().isEmpty()) {
      Set<String> blobs = Set.copyOf(change.blobs());
      entries.values().removeIf(e -> blobs.contains(e.ref().getString("sha256")));
    }
  }

  private static String key(String pkg, String path) {
    return pkg + '\u0000' + path;
  }
}
