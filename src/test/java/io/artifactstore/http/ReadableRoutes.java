package io.artifactstore.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A concrete URL for every resource that answers GET, around one finalized package with one
 * file, for tests that check what every route must do.
 */
final class ReadableRoutes {

  /** Routes whose content changes between two requests whatever the test does. */
  static final Set<String> CHANGING = Set.of(
      "eligible", // as of the moment of the request
      "health", // free disk space, which other processes change
      "metrics"); // every scrape

  private ReadableRoutes() {}

  /** Name to URL, for the package {@code pkg} holding {@code file} with the given digests. */
  static Map<String, String> of(String pkg, String file, String sha256, String blake3) {
    Map<String, String> urls = new LinkedHashMap<>();
    urls.put("packages", "/v1/packages");
    urls.put("package", "/v1/packages/" + pkg);
    urls.put("manifest", "/v1/packages/" + pkg + "/manifest");
    urls.put("manifest cbor", "/v1/packages/" + pkg + "/manifest?format=cbor");
    urls.put("retention", "/v1/packages/" + pkg + "/retention");
    urls.put("package events", "/v1/packages/" + pkg + "/events");
    urls.put("file", "/v1/packages/" + pkg + "/files/" + file);
    urls.put("blob sha256", "/v1/blobs/sha256/" + sha256);
    urls.put("blob blake3", "/v1/blobs/blake3/" + blake3);
    urls.put("blobs by size", "/v1/blobs?size=1");
    urls.put("eligible", "/v1/retention/eligible");
    urls.put("events", "/v1/events");
    urls.put("audit", "/v1/audit/verify");
    urls.put("stats", "/v1/stats");
    urls.put("health", "/health");
    urls.put("metrics", "/metrics");
    urls.put("openapi", "/openapi.yaml");
    urls.put("openapi v1", "/v1/openapi.yaml");
    return urls;
  }

  /** {@link #of} without the routes whose content changes by itself. */
  static Map<String, String> stable(String pkg, String file, String sha256, String blake3) {
    Map<String, String> urls = of(pkg, file, sha256, blake3);
    urls.keySet().removeAll(CHANGING);
    return urls;
  }
}
