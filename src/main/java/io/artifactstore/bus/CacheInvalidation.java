package io.artifactstore.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Sent to {@link Addresses#CACHE_INVALIDATE} by the control plane after a commit that
 * changes what may be served: packages whose state changed (finalized, extended, deleted,
 * failed), content whose reclamation started, API tokens revoked. Every server sharing the database drops what
 * it caches of them before the request that made the change answers. The message names what
 * changed, never what to do, so that it is relayed between servers as it is.
 *
 * @param packages ids of packages that changed
 * @param blobs SHA-256 hex digests of content being reclaimed
 * @param tokens ids of API tokens revoked (verified tokens are cached too)
 */
public record CacheInvalidation(List<String> packages, List<String> blobs, List<String> tokens) {

  public CacheInvalidation {
    packages = List.copyOf(packages);
    blobs = List.copyOf(blobs);
    tokens = List.copyOf(tokens);
  }

  /** Packages and content, no tokens. */
  public CacheInvalidation(List<String> packages, List<String> blobs) {
    this(packages, blobs, List.of());
  }

  public static CacheInvalidation ofToken(String id) {
    return new CacheInvalidation(List.of(), List.of(), List.of(id));
  }

  /** Whether it names nothing. */
  public boolean isEmpty() {
    return packages.isEmpty() && blobs.isEmpty() && tokens.isEmpty();
  }

  public static CacheInvalidation ofPackage(String id) {
    return new CacheInvalidation(List.of(id), List.of());
  }

  public static CacheInvalidation ofBlobs(List<String> sha256) {
    return new CacheInvalidation(List.of(), sha256);
  }

  /** {@code {"packages": [...], "blobs": [...], "tokens": [...]}}. */
  public JsonObject toJson() {
    return new JsonObject().put("packages", new JsonArray(packages))
        .put("blobs", new JsonArray(blobs)).put("tokens", new JsonArray(tokens));
  }

  public static CacheInvalidation fromJson(JsonObject json) {
    return new CacheInvalidation(strings(json.getJsonArray("packages")),
        strings(json.getJsonArray("blobs")), strings(json.getJsonArray("tokens")));
  }

  private static List<String> strings(JsonArray a) {
    return a == null ? List.of() : a.stream().map(String::valueOf).toList();
  }
}
