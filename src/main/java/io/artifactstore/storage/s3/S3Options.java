package io.artifactstore.storage.s3;

import io.artifactstore.storage.StorageBackends;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The validated options of one {@code s3} backend, read from {@code storage.backends.<id>}.
 *
 * <p>Numbers and booleans are accepted as JSON values or as strings, since an environment
 * variable overriding a key arrives as a string. Every mistake is an
 * {@link IllegalArgumentException} whose message starts with the offending key. The secret key
 * is kept out of {@link #toString()} and out of every message.
 */
public record S3Options(
    String id,
    URI endpoint,
    String region,
    String bucket,
    String prefix,
    boolean pathStyle,
    String accessKeyId,
    String secretAccessKey,
    boolean defaultCredentials,
    boolean checksumWhenRequired,
    int partSizeBytes,
    int maxInflightParts,
    int connectTimeoutMs,
    int requestTimeoutMs,
    int apiCallTimeoutMs,
    int maxConnections) {

  /** The smallest part S3 accepts, except for the last part of an upload. */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;

  private static final Set<String> KNOWN = Set.of("type", "endpoint", "region", "bucket",
      "prefix", "path_style", "access_key_id", "secret_access_key", "credentials",
      "checksum_mode", "part_size_bytes", "max_inflight_parts", "connect_timeout_ms",
      "request_timeout_ms", "api_call_timeout_ms", "max_connections");

  /** Reads and checks the options of backend {@code id}. */
  public static S3Options parse(String id, JsonObject o) {
    for (String name : o.fieldNames()) {
      if (!KNOWN.contains(name)) {
        throw invalid(id, name, "unknown option of an s3 backend, expected one of "
            + new java.util.TreeSet<>(KNOWN));
      }
    }
    URI endpoint = endpoint(id, o);
    String region = string(id, o, "region", "us-east-1");
    if (region.isBlank()) {
      throw invalid(id, "region", "must not be blank");
    }
    String bucket = string(id, o, "bucket", null);
    if (bucket == null || bucket.length() < 3 || bucket.length() > 63
        || !bucket.matches("[a-z0-9][a-z0-9.\\-]*[a-z0-9]")) {
      throw invalid(id, "bucket", "required, an S3 bucket name of 3 to 63 lowercase letters, "
          + "digits, dots and hyphens");
    }
    String prefix = normalizePrefix(id, string(id, o, "prefix", ""));

    String credentials = string(id, o, "credentials", "static");
    String accessKeyId = string(id, o, "access_key_id", null);
    String secret = string(id, o, "secret_access_key", null);
    boolean chain;
    switch (credentials) {
      case "default" -> {
        chain = true;
        if (accessKeyId != null || secret != null) {
          throw invalid(id, "credentials", "\"default\" takes the SDK's default chain; "
              + "remove access_key_id and secret_access_key or set credentials to \"static\"");
        }
      }
      case "static" -> {
        chain = false;
        if (accessKeyId == null || accessKeyId.isBlank()) {
          throw invalid(id, "access_key_id", "required unless credentials is \"default\"");
        }
        if (secret == null || secret.isBlank()) {
          throw invalid(id, "secret_access_key", "required unless credentials is \"default\"");
        }
      }
      default -> throw invalid(id, "credentials", "must be \"static\" or \"default\"");
    }

    String checksum = string(id, o, "checksum_mode", "when_supported").toLowerCase(Locale.ROOT);
    if (!checksum.equals("when_supported") && !checksum.equals("when_required")) {
      throw invalid(id, "checksum_mode", "must be \"when_supported\" or \"when_required\", got '"
          + checksum + "'");
    }
    int partSize = (int) number(id, o, "part_size_bytes", DEFAULT_PART_SIZE, MIN_PART_SIZE,
        1024L * 1024 * 1024);
    int inflight = (int) number(id, o, "max_inflight_parts", 4, 1, 64);
    int connect = (int) number(id, o, "connect_timeout_ms", 10_000, 1, 600_000);
    int request = (int) number(id, o, "request_timeout_ms", 60_000, 1, 3_600_000);
    int apiCall = (int) number(id, o, "api_call_timeout_ms", 0, 0, 86_400_000);
    int connections = (int) number(id, o, "max_connections", 64, 1, 10_000);
    return new S3Options(id, endpoint, region, bucket, prefix,
        bool(id, o, "path_style", true), accessKeyId, secret, chain,
        checksum.equals("when_required"), partSize, inflight, connect, request, apiCall,
        connections);
  }

  /** The same options with another part size, below the configurable minimum (tests only). */
  S3Options withPartSize(int partSize, int inflight) {
    return new S3Options(id, endpoint, region, bucket, prefix, pathStyle, accessKeyId,
        secretAccessKey, defaultCredentials, checksumWhenRequired, partSize, inflight,
        connectTimeoutMs, requestTimeoutMs, apiCallTimeoutMs, maxConnections);
  }

  /** Everything but the secret, which is only said to be set. */
  @Override
  public String toString() {
    return "S3Options[id=" + id + ", endpoint=" + (endpoint == null ? "(AWS)" : endpoint)
        + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
        + ", path_style=" + pathStyle + ", credentials="
        + (defaultCredentials ? "default chain" : "static")
        + ", checksum_mode=" + (checksumWhenRequired ? "when_required" : "when_supported")
        + ", part_size_bytes=" + partSizeBytes + ", max_inflight_parts=" + maxInflightParts + "]";
  }

  private static URI endpoint(String id, JsonObject o) {
    String raw = string(id, o, "endpoint", null);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(raw);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw invalid(id, "endpoint", "must be an http:// or https:// URL with a host");
      }
      if (uri.getUserInfo() != null) {
        throw invalid(id, "endpoint", "must not carry credentials; use access_key_id and "
            + "secret_access_key");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw invalid(id, "endpoint", "not a URL: " + e.getReason());
    }
  }

  private static String normalizePrefix(String id, String raw) {
    String p = raw.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.contains("//") || p.contains("\\") || p.chars().anyMatch(c -> c < 0x20)) {
      throw invalid(id, "prefix", "must be a plain key prefix such as \"artifacts\" or \"a/b\"");
    }
    return p.isEmpty() ? "" : p + "/";
  }

  private static String string(String id, JsonObject o, String name, String dflt) {
    Object v = o.getValue(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof String s)) {
      throw invalid(id, name, "must be a string");
    }
    return s;
  }

  private static long number(String id, JsonObject o, String name, long dflt, long min, long max) {
    Object v = o.getValue(name);
    long n;
    if (v == null) {
      return dflt;
    } else if (v instanceof Number num && num.doubleValue() == num.longValue()) {
      n = num.longValue();
    } else if (v instanceof String s) {
      try {
        n = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw invalid(id, name, "must be a whole number, got '" + s + "'");
      }
    } else {
      throw invalid(id, name, "must be a whole number, got " + v);
    }
    if (n < min || n > max) {
      throw invalid(id, name, "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private static boolean bool(String id, JsonObject o, String name, boolean dflt) {
    Object v = o.getValue(name);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw invalid(id, name, "must be true or false");
  }

  private static IllegalArgumentException invalid(String id, String option, String why) {
    return new IllegalArgumentException(StorageBackends.configKey(id, option) + ": " + why);
  }
}
