package io.artifactstore.cluster;

import io.artifactstore.bus.CacheInvalidation;

/**
 * What a server caches of file locations, as the cluster sees it: entries can be dropped by
 * what changed, and the whole cache can be distrusted while this server cannot hear the other
 * servers (their invalidations would be missed) and trusted again once it can. Implementations
 * are safe to call from any thread.
 */
public interface LocationCache {

  /** Drops the entries of the packages and content {@code change} names. */
  void invalidate(CacheInvalidation change);

  /** Drops every entry and keeps none until {@link #trust()}. */
  void distrust();

  /** Keeps entries again. */
  void trust();
}
