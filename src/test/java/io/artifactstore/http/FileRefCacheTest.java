package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.artifactstore.bus.CacheInvalidation;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FileRefCacheTest {

  static JsonObject ref(String pkg, String path, String sha256, String status) {
    return new JsonObject().put("package", pkg).put("path", path).put("sha256", sha256)
        .put("package_status", status);
  }

  @Test
  @DisplayName("only files of finalized packages are kept")
  void finalizedOnly() {
    FileRefCache cache = new FileRefCache();
    cache.offer(ref("p", "a", "s1", "uploading"), cache.generation());
    cache.offer(ref("q", "a", "s1", "finalized"), cache.generation());
    assertNull(cache.get("p", "a"));
    assertNotNull(cache.get("q", "a"));
  }

  @Test
  @DisplayName("an answer from a lookup that started before an invalidation is not kept")
  void lookupOlderThanInvalidation() {
    FileRefCache cache = new FileRefCache();
    long startedAt = cache.generation();
    cache.invalidate(CacheInvalidation.ofPackage("p"));
    cache.offer(ref("p", "a", "s1", "finalized"), startedAt);
    assertNull(cache.get("p", "a"));
    cache.offer(ref("p", "a", "s1", "finalized"), cache.generation());
    assertNotNull(cache.get("p", "a"));
  }

  @Test
  @DisplayName("an invalidation drops the packages it names and every entry of the content it names")
  void invalidation() {
    FileRefCache cache = new FileRefCache();
    cache.offer(ref("p", "a", "s1", "finalized"), cache.generation());
    cache.offer(ref("p", "b", "s2", "finalized"), cache.generation());
    cache.offer(ref("q", "a", "s1", "finalized"), cache.generation());
    cache.offer(ref("r", "c", "s3", "finalized"), cache.generation());
    cache.invalidate(CacheInvalidation.fromJson(
        CacheInvalidation.ofBlobs(List.of("s1")).toJson()));
    assertNull(cache.get("p", "a"));
    assertNull(cache.get("q", "a"));
    assertNotNull(cache.get("p", "b"));
    cache.invalidate(CacheInvalidation.ofPackage("p"));
    assertNull(cache.get("p", "b"));
    assertNotNull(cache.get("r", "c"));
  }

  @Test
  @DisplayName("while distrusted nothing is kept; a lookup that started then is not kept once trusted again")
  void distrustedWhileDeaf() {
    FileRefCache cache = new FileRefCache();
    cache.offer(ref("p", "a", "s1", "finalized"), cache.generation());
    cache.distrust();
    assertNull(cache.get("p", "a"), "distrust drops every entry");
    long startedWhileDeaf = cache.generation();
    cache.offer(ref("q", "a", "s2", "finalized"), startedWhileDeaf);
    assertNull(cache.get("q", "a"), "nothing is kept while distrusted");
    cache.trust();
    cache.offer(ref("q", "a", "s2", "finalized"), startedWhileDeaf);
    assertNull(cache.get("q", "a"), "the lookup may have missed an invalidation while deaf");
    cache.offer(ref("q", "a", "s2", "finalized"), cache.generation());
    assertNotNull(cache.get("q", "a"));
  }
}
