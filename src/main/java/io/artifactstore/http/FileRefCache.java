package io.artifactstore.http;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * References of files in finalized packages, kept by each HTTP verticle so that repeated
 * downloads skip the registry round trip. A finalized package's files never change; the
 * registry publishes {@code registry.package.changed} whenever a package changes state, and
 * the entries of that package are dropped. Confined to its verticle's event loop.
 */
final class FileRefCache {

  /** Entries per verticle; a reference is a few hundred bytes. */
  static final int CAPACITY = 10_000;

  private final Map<String, JsonObject> entries = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) {
      return size() > CAPACITY;
    }
  };

  JsonObject get(String pkg, String path) {
    return entries.get(key(pkg, path));
  }

  /** Keeps {@code ref} if its package is finalized. */
  void offer(JsonObject ref) {
    if ("finalized".equals(ref.getString("package_status"))) {
      entries.put(key(ref.getString("package"), ref.getString("path")), ref);
    }
  }

  void invalidate(String pkg) {
    String prefix = pkg + '\u0000';
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private static String key(String pkg, String path) {
    return pkg + '\u0000' + path;
  }
}
