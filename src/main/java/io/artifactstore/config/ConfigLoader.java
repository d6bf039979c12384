package io.artifactstore.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Reads the configuration once: built-in defaults ({@code conf/artifact-store.json}), then an
 * optional file, then {@code ARTIFACTSTORE_*} environment variables (environment wins), and turns
 * the result into a validated {@link AppConfig}. Every failure names the key.
 */
public final class ConfigLoader {

  private static final Logger LOG = Logger.getLogger(ConfigLoader.class.getName());
  private static final String DEFAULTS = "conf/artifact-store.json";

  private ConfigLoader() {}

  /** Defaults, then {@code file} (may be null), then {@code env}. */
  public static AppConfig load(Path file, Map<String, String> env) {
    return parse(merged(file, env));
  }

  /** The merged configuration as JSON, before typing; used by tests and diagnostics. */
  public static JsonObject merged(Path file, Map<String, String> env) {
    JsonObject config = defaults();
    Path chosen = file;
    if (chosen == null && env.containsKey(ConfigKeys.ENV_CONFIG_FILE)) {
      chosen = Path.of(env.get(ConfigKeys.ENV_CONFIG_FILE));
    }
    if (chosen != null) {
      JsonObject fromFile = readFile(chosen);
      rejectUnknownKeys(config, fromFile, "");
      config.mergeIn(fromFile, true);
    }
    applyEnvironment(config, env);
    return config;
  }

  static JsonObject defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " is missing from the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS, e);
    }
  }

  private static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException(ConfigKeys.ENV_CONFIG_FILE, "cannot read " + file + ": " + e);
    } catch (DecodeException e) {
      throw new ConfigException(ConfigKeys.ENV_CONFIG_FILE, file + " is not valid JSON: "
          + e.getMessage());
    }
  }

  private static void rejectUnknownKeys(JsonObject known, JsonObject given, String prefix) {
    for (String name : given.fieldNames()) {
      String key = prefix + name;
      if (isOpenSection(key) || isInsideOpenSection(key)) {
        continue;
      }
      if (!known.containsKey(name)) {
        throw new ConfigException(key, "unknown configuration key");
      }
      if (known.getValue(name) instanceof JsonObject k && given.getValue(name) instanceof JsonObject g) {
        rejectUnknownKeys(k, g, key + ".");
      }
    }
  }

  private static boolean isOpenSection(String key) {
    for (String s : ConfigKeys.OPEN_SECTIONS) {
      if (s.equals(key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isInsideOpenSection(String key) {
    for (String s : ConfigKeys.OPEN_SECTIONS) {
      if (key.startsWith(s + ".")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Environment variables override leaves that the merged configuration has: the variable name
   * is derived from the key, so each variable maps to exactly one key.
   */
  private static void applyEnvironment(JsonObject config, Map<String, String> env) {
    Map<String, String> leaves = new LinkedHashMap<>();
    collectLeaves(config, "", leaves);
    for (Map.Entry<String, String> leaf : leaves.entrySet()) {
      String value = env.get(leaf.getValue());
      if (value != null) {
        setLeaf(config, leaf.getKey(), value);
      }
    }
    for (String name : env.keySet()) {
      if (name.startsWith(ConfigKeys.ENV_PREFIX) && !leaves.containsValue(name)
          && !name.equals(ConfigKeys.ENV_CONFIG_FILE) && !name.equals("ARTIFACTSTORE_URL")
          && !name.equals("ARTIFACTSTORE_TOKEN") && !name.equals("ARTIFACTSTORE_TOKEN_FILE")
          && !name.equals("ARTIFACTSTORE_ACTOR")) {
        LOG.warning("ignoring environment variable " + name + ": it names no configuration key");
      }
    }
  }

  private static void collectLeaves(JsonObject node, String prefix, Map<String, String> out) {
    for (String name : node.fieldNames()) {
      String key = prefix + name;
      Object value = node.getValue(name);
      if (value instanceof JsonObject child) {
        collectLeaves(child, key + ".", out);
      } else {
        out.put(key, ConfigKeys.envName(key));
      }
    }
  }

  private static void setLeaf(JsonObject config, String key, String raw) {
    String[] parts = key.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.getJsonObject(parts[i]);
    }
    String last = parts[parts.length - 1];
    Object current = node.getValue(last);
    Object typed = raw;
    if (current instanceof Number) {
      try {
        typed = Long.parseLong(raw.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key, "environment variable " + ConfigKeys.envName(key)
            + " must be a whole number, got '" + raw + "'");
      }
    } else if (current instanceof Boolean) {
      if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
        throw new ConfigException(key, "environment variable " + ConfigKeys.envName(key)
            + " must be true or false, got '" + raw + "'");
      }
      typed = Boolean.parseBoolean(raw);
    }
    node.put(last, typed);
  }

  /** Types and validates a merged configuration. */
  public static AppConfig parse(JsonObject c) {
    AppConfig.Http http = new AppConfig.Http(
        string(c, ConfigKeys.HTTP_HOST),
        intIn(c, ConfigKeys.HTTP_PORT, 0, 65535),
        intIn(c, ConfigKeys.HTTP_INSTANCES, 0, 256),
        intIn(c, ConfigKeys.HTTP_MAX_JSON_BODY_BYTES, 1024, 64 * 1024 * 1024),
        positiveDuration(c, ConfigKeys.HTTP_SHUTDOWN_GRACE),
        positiveDuration(c, ConfigKeys.HTTP_UPLOAD_IDLE_TIMEOUT),
        positiveDuration(c, ConfigKeys.HTTP_UPLOAD_RATE_WINDOW),
        longIn(c, ConfigKeys.HTTP_UPLOAD_MIN_BYTES_PER_SECOND, 0, Long.MAX_VALUE),
        intIn(c, ConfigKeys.HTTP_MAX_CONCURRENT_UPLOADS, 0, 1_000_000),
        tls(c),
        bool(c, ConfigKeys.MANAGEMENT_ENABLED)
            ? Optional.of(new AppConfig.Management(string(c, ConfigKeys.MANAGEMENT_HOST),
                intIn(c, ConfigKeys.MANAGEMENT_PORT, 0, 65535)))
            : Optional.empty());

    String url = string(c, ConfigKeys.DATABASE_URL);
    if (!url.startsWith("sqlite:") && !url.startsWith("postgresql://")
        && !url.startsWith("postgres://")) {
      throw new ConfigException(ConfigKeys.DATABASE_URL,
          "must be sqlite:<file> or postgresql://user:password@host:port/database");
    }
    AppConfig.Database database =
        new AppConfig.Database(url, intIn(c, ConfigKeys.DATABASE_POOL_SIZE, 1, 256),
            peerAckTimeout(c));

    JsonObject backends = section(c, ConfigKeys.STORAGE_BACKENDS);
    if (backends.isEmpty()) {
      throw new ConfigException(ConfigKeys.STORAGE_BACKENDS, "at least one backend is required");
    }
    for (String id : backends.fieldNames()) {
      if (!(backends.getValue(id) instanceof JsonObject b) || !(b.getValue("type") instanceof String)) {
        throw new ConfigException(ConfigKeys.STORAGE_BACKENDS + "." + id + ".type",
            "each backend needs a type");
      }
    }
    String defaultBackend = string(c, ConfigKeys.STORAGE_DEFAULT_BACKEND);
    if (!backends.containsKey(defaultBackend)) {
      throw new ConfigException(ConfigKeys.STORAGE_DEFAULT_BACKEND,
          "names no configured backend: '" + defaultBackend + "'");
    }
    JsonObject byClassJson = section(c, ConfigKeys.STORAGE_BACKEND_BY_RETENTION_CLASS);
    Map<String, String> byClass = new LinkedHashMap<>();
    for (String className : byClassJson.fieldNames()) {
      String key = ConfigKeys.STORAGE_BACKEND_BY_RETENTION_CLASS + "." + className;
      if (!(byClassJson.getValue(className) instanceof String id) || !backends.containsKey(id)) {
        throw new ConfigException(key, "names no configured backend: '"
            + byClassJson.getValue(className) + "'");
      }
      byClass.put(className, id);
    }

    AppConfig.Limits limits = new AppConfig.Limits(
        intIn(c, ConfigKeys.LIMITS_MAX_PATH_BYTES, 16, 4096),
        intIn(c, ConfigKeys.LIMITS_MAX_PATH_DEPTH, 1, 256),
        intIn(c, ConfigKeys.LIMITS_MAX_SEGMENT_BYTES, 8, 1024),
        intIn(c, ConfigKeys.LIMITS_MAX_METADATA_BYTES, 2, 16 * 1024 * 1024),
        longIn(c, ConfigKeys.LIMITS_MAX_FILE_BYTES, 0, Long.MAX_VALUE));

    JsonObject classesJson = section(c, ConfigKeys.RETENTION_CLASSES);
    Map<String, Optional<Duration>> classes = new LinkedHashMap<>();
    for (String name : classesJson.fieldNames()) {
      String key = ConfigKeys.RETENTION_CLASSES + "." + name;
      if (!name.matches("[a-z][a-z0-9-]{0,63}")) {
        throw new ConfigException(key, "class names are lowercase letters, digits and dashes");
      }
      Object v = classesJson.getValue(name);
      if (!(v instanceof String s)) {
        throw new ConfigException(key, "must be an ISO-8601 duration such as P90D, or never");
      }
      classes.put(name, retentionDuration(key, s));
    }
    String defaultClass = string(c, ConfigKeys.RETENTION_DEFAULT_CLASS);
    if (!classes.containsKey(defaultClass)) {
      throw new ConfigException(ConfigKeys.RETENTION_DEFAULT_CLASS,
          "names no configured retention class: '" + defaultClass + "'");
    }
    Duration abandonedAfter = positiveDuration(c, ConfigKeys.RETENTION_ABANDONED_AFTER);
    AppConfig.Sweeper sweeper = new AppConfig.Sweeper(
        bool(c, ConfigKeys.RETENTION_SWEEPER_ENABLED),
        positiveDuration(c, ConfigKeys.RETENTION_SWEEPER_INTERVAL),
        bool(c, ConfigKeys.RETENTION_SWEEPER_DRY_RUN));
    for (String className : byClass.keySet()) {
      if (!classes.containsKey(className)) {
        throw new ConfigException(ConfigKeys.STORAGE_BACKEND_BY_RETENTION_CLASS + "." + className,
            "names no configured retention class");
      }
    }
    AppConfig.Storage storage =
        new AppConfig.Storage(defaultBackend, backends, Map.copyOf(byClass));
    AppConfig.Integrity integrity = new AppConfig.Integrity(
        positiveDuration(c, ConfigKeys.INTEGRITY_GRACE_PERIOD),
        retentionDuration(ConfigKeys.INTEGRITY_RECONCILE_INTERVAL,
            string(c, ConfigKeys.INTEGRITY_RECONCILE_INTERVAL)));
    AppConfig.Security security = new AppConfig.Security(
        string(c, ConfigKeys.SECURITY_ANONYMOUS),
        positiveDuration(c, ConfigKeys.SECURITY_TOKEN_DEFAULT_TTL),
        positiveDuration(c, ConfigKeys.SECURITY_TOKEN_CACHE_TTL),
        allowedHosts(c, http.host()),
        corsOrigins(c),
        oidc(c),
        new AppConfig.Links(Path.of(string(c, ConfigKeys.SECURITY_LINK_KEYS_FILE)),
            positiveDuration(c, ConfigKeys.SECURITY_LINK_DEFAULT_TTL),
            positiveDuration(c, ConfigKeys.SECURITY_LINK_MAX_TTL)),
        operationsRole(c),
        new AppConfig.PerCaller(
            intIn(c, ConfigKeys.SECURITY_LIMITS_REQUESTS_PER_SECOND, 0, 1_000_000),
            intIn(c, ConfigKeys.SECURITY_LIMITS_MAX_CONCURRENT_UPLOADS, 0, 1_000_000)));
    return new AppConfig(http, database, storage, limits, new AppConfig.Retention(defaultClass,
        Map.copyOf(classes), abandonedAfter, sweeper), integrity, security,
        new AppConfig.Integration(importRoots(c), bridge(c),
            positiveDuration(c, ConfigKeys.INTEGRATION_EVENTS_POLL_INTERVAL)), attestations(c, classes.keySet(),
            defaultClass));
  }

  /** {@code attestations.*}: see ConfigKeys. */
  private static AppConfig.Attestations attestations(JsonObject c,
      java.util.Set<String> classes, String defaultClass) {
    String producer = string(c, ConfigKeys.ATTESTATIONS_PRODUCER).trim();
    if (producer.isEmpty() || producer.length() > 200) {
      throw new ConfigException(ConfigKeys.ATTESTATIONS_PRODUCER,
          "must be a producer name of 1 to 200 characters");
    }
    String retentionClass = optionalString(c, ConfigKeys.ATTESTATIONS_RETENTION_CLASS).trim();
    if (retentionClass.isEmpty()) {
      retentionClass = defaultClass;
    } else if (!classes.contains(retentionClass)) {
      throw new ConfigException(ConfigKeys.ATTESTATIONS_RETENTION_CLASS,
          "names no configured retention class: '" + retentionClass + "'");
    }
    long maxBytes = longIn(c, ConfigKeys.ATTESTATIONS_MAX_BYTES, 1024, 1L << 30);
    Map<String, Path> keys = new LinkedHashMap<>();
    String list = optionalString(c, ConfigKeys.ATTESTATIONS_TRUSTED_KEYS);
    for (String entry : list.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String id = eq < 0 ? "" : entry.substring(0, eq).trim();
      String file = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (id.isEmpty() || id.length() > 128 || file.isEmpty() || !Path.of(file).isAbsolute()) {
        throw new ConfigException(ConfigKeys.ATTESTATIONS_TRUSTED_KEYS, "each entry is "
            + "keyid=/absolute/path/to/key.pem; got '" + entry.trim() + "'");
      }
      if (keys.put(id, Path.of(file)) != null) {
        throw new ConfigException(ConfigKeys.ATTESTATIONS_TRUSTED_KEYS,
            "key id '" + id + "' is given twice");
      }
    }
    try {
      io.artifactstore.attestations.TrustedKeys.load(keys);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.ATTESTATIONS_TRUSTED_KEYS, e.getMessage());
    }
    boolean require = bool(c, ConfigKeys.ATTESTATIONS_REQUIRE_TRUSTED_SIGNATURE);
    if (require && keys.isEmpty()) {
      throw new ConfigException(ConfigKeys.ATTESTATIONS_REQUIRE_TRUSTED_SIGNATURE,
          "needs attestations.trusted_keys: with no trusted key no upload could be accepted");
    }
    String signing = optionalString(c, ConfigKeys.ATTESTATIONS_SIGNING_KEYS_FILE).trim();
    return new AppConfig.Attestations(producer, retentionClass, maxBytes, Map.copyOf(keys),
        require, signing.isEmpty() ? Optional.empty() : Optional.of(Path.of(signing)));
  }

  /** The TCP event-bus bridge, when {@code integration.bridge_enabled}: loopback only. */
  private static Optional<AppConfig.Bridge> bridge(JsonObject c) {
    String host = string(c, ConfigKeys.INTEGRATION_BRIDGE_HOST).trim();
    int port = intIn(c, ConfigKeys.INTEGRATION_BRIDGE_PORT, 1, 65535);
    if (!bool(c, ConfigKeys.INTEGRATION_BRIDGE_ENABLED)) {
      return Optional.empty();
    }
    if (!java.util.List.of("127.0.0.1", "::1", "localhost").contains(host)) {
      throw new ConfigException(ConfigKeys.INTEGRATION_BRIDGE_HOST, "the bridge is for "
          + "processes on this host: it listens on loopback only "
          + "(127.0.0.1, ::1 or localhost); got '" + host + "'");
    }
    return Optional.of(new AppConfig.Bridge(host, port));
  }

  /**
   * {@code integration.import_roots}: absolute paths of existing directories, comma-separated;
   * kept as real paths (symbolic links resolved), the form imports are checked against.
   */
  private static java.util.List<Path> importRoots(JsonObject c) {
    String key = ConfigKeys.INTEGRATION_IMPORT_ROOTS;
    Object v = value(c, key);
    if (!(v instanceof String list)) {
      throw new ConfigException(key, "must be a string");
    }
    java.util.List<Path> roots = new java.util.ArrayList<>();
    for (String r : list.split(",")) {
      String root = r.trim();
      if (root.isEmpty()) {
        continue;
      }
      Path p = Path.of(root);
      if (!p.isAbsolute()) {
        throw new ConfigException(key, "each root must be an absolute path; got '" + root + "'");
      }
      try {
        Path real = p.toRealPath();
        if (!java.nio.file.Files.isDirectory(real)) {
          throw new ConfigException(key, "'" + root + "' is not a directory");
        }
        roots.add(real);
      } catch (java.io.IOException e) {
        throw new ConfigException(key, "'" + root + "' does not exist or cannot be read");
      }
    }
    return java.util.List.copyOf(roots);
  }

  /** {@code security.allowed_hosts}: see ConfigKeys; loopback names are its {@code auto}. */
  private static java.util.List<String> allowedHosts(JsonObject c, String boundHost) {
    String key = ConfigKeys.SECURITY_ALLOWED_HOSTS;
    String v = string(c, key).trim().toLowerCase(java.util.Locale.ROOT);
    if (v.equals("*")) {
      return java.util.List.of("*");
    }
    if (v.equals("auto")) {
      String h = boundHost.trim().toLowerCase(java.util.Locale.ROOT);
      if (!Hosts.isLoopback(h)) {
        return java.util.List.of();
      }
      java.util.Set<String> names = new java.util.LinkedHashSet<>(
          java.util.List.of("localhost", "127.0.0.1", "[::1]"));
      names.add(h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h);
      return java.util.List.copyOf(names);
    }
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String n : v.split(",")) {
      String name = n.trim();
      if (!name.matches("[a-z0-9.-]+|\\[[0-9a-f:.]+\\]")) {
        throw new ConfigException(key, "must be auto, * or a comma-separated list of host names "
            + "(IPv6 addresses in brackets, no ports), got '" + n.trim() + "'");
      }
      names.add(name);
    }
    return java.util.List.copyOf(names);
  }

  /** {@code security.operations_role}: empty, or one of the role names. */
  private static String operationsRole(JsonObject c) {
    Object v = value(c, ConfigKeys.SECURITY_OPERATIONS_ROLE);
    String role = v instanceof String s ? s.trim() : null;
    if (role == null || !(role.isEmpty()
        || java.util.Set.of("reader", "producer", "retention-admin", "admin").contains(role))) {
      throw new ConfigException(ConfigKeys.SECURITY_OPERATIONS_ROLE,
          "must be empty (anyone) or one of reader, producer, retention-admin, admin");
    }
    return role;
  }

  /** {@code http.tls.*}: both files, or neither. */
  private static Optional<AppConfig.Tls> tls(JsonObject c) {
    Object chain = value(c, ConfigKeys.HTTP_TLS_CERTIFICATE_CHAIN);
    Object key = value(c, ConfigKeys.HTTP_TLS_PRIVATE_KEY);
    boolean hasChain = chain instanceof String s && !s.isBlank();
    boolean hasKey = key instanceof String s && !s.isBlank();
    if (!hasChain && !hasKey) {
      return Optional.empty();
    }
    if (!hasChain || !hasKey) {
      throw new ConfigException(hasChain ? ConfigKeys.HTTP_TLS_PRIVATE_KEY
          : ConfigKeys.HTTP_TLS_CERTIFICATE_CHAIN, "TLS needs both "
          + ConfigKeys.HTTP_TLS_CERTIFICATE_CHAIN + " and " + ConfigKeys.HTTP_TLS_PRIVATE_KEY);
    }
    Path chainFile = Path.of(((String) chain).trim());
    Path keyFile = Path.of(((String) key).trim());
    if (!Files.isReadable(chainFile)) {
      throw new ConfigException(ConfigKeys.HTTP_TLS_CERTIFICATE_CHAIN, "cannot read "
          + chainFile);
    }
    if (!Files.isReadable(keyFile)) {
      throw new ConfigException(ConfigKeys.HTTP_TLS_PRIVATE_KEY, "cannot read " + keyFile);
    }
    return Optional.of(new AppConfig.Tls(chainFile, keyFile));
  }

  /** {@code security.oidc.*}: empty when no issuer is configured. */
  private static Optional<AppConfig.Oidc> oidc(JsonObject c) {
    Object issuerValue = value(c, ConfigKeys.SECURITY_OIDC_ISSUER);
    if (!(issuerValue instanceof String issuer) || issuer.isBlank()) {
      return Optional.empty();
    }
    if (!issuer.startsWith("https://") && !issuer.startsWith("http://")) {
      throw new ConfigException(ConfigKeys.SECURITY_OIDC_ISSUER,
          "must be the issuer's URL, as its tokens carry it in iss");
    }
    String jwks = string(c, ConfigKeys.SECURITY_OIDC_JWKS_URL);
    java.net.URI jwksUrl;
    try {
      jwksUrl = java.net.URI.create(jwks);
      if (jwksUrl.getHost() == null || !(jwksUrl.getScheme().equals("https")
          || jwksUrl.getScheme().equals("http"))) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.SECURITY_OIDC_JWKS_URL,
          "must be an http(s) URL of the issuer's JSON Web Key Set, got '" + jwks + "'");
    }
    String audience = string(c, ConfigKeys.SECURITY_OIDC_AUDIENCE);
    java.util.List<String> algorithms = new java.util.ArrayList<>();
    for (String a : string(c, ConfigKeys.SECURITY_OIDC_ALGORITHMS).split(",")) {
      String alg = a.trim();
      if (!java.util.Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
          "ES384", "ES512", "EdDSA").contains(alg)) {
        throw new ConfigException(ConfigKeys.SECURITY_OIDC_ALGORITHMS, "'" + alg + "' is not "
            + "an asymmetric JWS algorithm (RS256, RS384, RS512, PS256, PS384, PS512, ES256, "
            + "ES384, ES512, EdDSA); 'none' and HMAC are never accepted");
      }
      algorithms.add(alg);
    }
    return Optional.of(new AppConfig.Oidc(issuer.trim(), jwksUrl, audience.trim(),
        java.util.List.copyOf(algorithms),
        positiveDuration(c, ConfigKeys.SECURITY_OIDC_CLOCK_SKEW),
        positiveDuration(c, ConfigKeys.SECURITY_OIDC_JWKS_REFRESH),
        section(c, ConfigKeys.SECURITY_OIDC_RULES).copy()));
  }

  /** {@code security.cors_origins}: {@code scheme://host[:port]} each, comma-separated. */
  private static java.util.List<String> corsOrigins(JsonObject c) {
    String key = ConfigKeys.SECURITY_CORS_ORIGINS;
    Object v = value(c, key);
    if (!(v instanceof String s)) {
      throw new ConfigException(key, "must be a string");
    }
    java.util.List<String> origins = new java.util.ArrayList<>();
    for (String o : s.split(",")) {
      String origin = o.trim();
      if (origin.isEmpty()) {
        continue;
      }
      if (!origin.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9a-fA-F:.]+\\](:[0-9]{1,5})?")) {
        throw new ConfigException(key, "each origin is scheme://host[:port] with no path, "
            + "such as https://dashboard.example; '*' is not accepted; got '" + origin + "'");
      }
      origins.add(origin.toLowerCase(java.util.Locale.ROOT));
    }
    return java.util.List.copyOf(origins);
  }

  private static Optional<Duration> retentionDuration(String key, String s) {
    if (s.equals("never")) {
      return Optional.empty();
    }
    try {
      Duration d = Duration.parse(s);
      if (d.isNegative() || d.isZero()) {
        throw new ConfigException(key, "must be a positive duration, got '" + s + "'");
      }
      return Optional.of(d);
    } catch (DateTimeParseException e) {
      throw new ConfigException(key, "must be an ISO-8601 duration such as P90D, or never; got '"
          + s + "'");
    }
  }

  /** At most 20 s: the control plane's requests on the bus give up at 30 s. */
  private static Duration peerAckTimeout(JsonObject c) {
    Duration d = positiveDuration(c, ConfigKeys.DATABASE_PEER_ACK_TIMEOUT);
    if (d.isZero() || d.compareTo(Duration.ofSeconds(20)) > 0) {
      throw new ConfigException(ConfigKeys.DATABASE_PEER_ACK_TIMEOUT,
          "must be more than 0 and at most PT20S");
    }
    return d;
  }

  private static Duration positiveDuration(JsonObject c, String key) {
    return retentionDuration(key, string(c, key)).orElseThrow(() ->
        new ConfigException(key, "must be an ISO-8601 duration such as PT1H, not never"));
  }

  private static boolean bool(JsonObject c, String key) {
    Object v = value(c, key);
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new ConfigException(key, "must be true or false, got " + v);
  }

  private static Object value(JsonObject c, String key) {
    String[] parts = key.split("\\.");
    Object node = c;
    for (String p : parts) {
      if (!(node instanceof JsonObject o) || !o.containsKey(p)) {
        throw new ConfigException(key, "is required");
      }
      node = o.getValue(p);
    }
    return node;
  }

  private static JsonObject section(JsonObject c, String key) {
    Object v = value(c, key);
    if (!(v instanceof JsonObject o)) {
      throw new ConfigException(key, "must be an object");
    }
    return o;
  }

  /** A string that may be empty. */
  private static String optionalString(JsonObject c, String key) {
    Object v = value(c, key);
    if (!(v instanceof String s)) {
      throw new ConfigException(key, "must be a string");
    }
    return s;
  }

  private static String string(JsonObject c, String key) {
    Object v = value(c, key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new ConfigException(key, "must be a non-empty string");
    }
    return s;
  }

  private static long longIn(JsonObject c, String key, long min, long max) {
    Object v = value(c, key);
    long n;
    if (v instanceof Number num && num.doubleValue() == num.longValue()) {
      n = num.longValue();
    } else if (v instanceof String s) {
      try {
        n = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key, "must be a whole number, got '" + s + "'");
      }
    } else {
      throw new ConfigException(key, "must be a whole number, got " + v);
    }
    if (n < min || n > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private static int intIn(JsonObject c, String key, int min, int max) {
    return (int) longIn(c, key, min, max);
  }
}
