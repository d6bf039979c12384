package io.artifactstore.config;

/**
 * Every configuration key, in one place. Keys are dotted paths into the JSON configuration; the
 * environment variable for a key is {@link #envName(String)}. {@code docs/configuration.md}
 * documents each of them (a test checks that it does).
 */
public final class ConfigKeys {

  /** Prefix of every environment variable the server reads. */
  public static final String ENV_PREFIX = "ARTIFACTSTORE_";
  /** Environment variable naming an extra configuration file. */
  public static final String ENV_CONFIG_FILE = ENV_PREFIX + "CONFIG";

  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_INSTANCES = "http.instances";
  public static final String HTTP_MAX_JSON_BODY_BYTES = "http.max_json_body_bytes";
  public static final String HTTP_SHUTDOWN_GRACE = "http.shutdown_grace";
  public static final String HTTP_UPLOAD_IDLE_TIMEOUT = "http.upload_idle_timeout";
  public static final String HTTP_UPLOAD_RATE_WINDOW = "http.upload_rate_window";
  public static final String HTTP_UPLOAD_MIN_BYTES_PER_SECOND = "http.upload_min_bytes_per_second";
  public static final String HTTP_MAX_CONCURRENT_UPLOADS = "http.max_concurrent_uploads";
  /** PEM certificate chain (leaf first) for TLS; empty with the key: plain HTTP. */
  public static final String HTTP_TLS_CERTIFICATE_CHAIN = "http.tls.certificate_chain";
  /** PEM private key (PKCS#8 or PKCS#1) of the certificate. */
  public static final String HTTP_TLS_PRIVATE_KEY = "http.tls.private_key";

  public static final String DATABASE_URL = "database.url";
  public static final String DATABASE_POOL_SIZE = "database.pool_size";
  public static final String DATABASE_PEER_ACK_TIMEOUT = "database.peer_ack_timeout";

  public static final String STORAGE_DEFAULT_BACKEND = "storage.default_backend";
  /** Section of backends by id; each entry has a {@code type} and options of that type. */
  public static final String STORAGE_BACKENDS = "storage.backends";
  /** Section mapping retention class names to the backend id their new uploads go to. */
  public static final String STORAGE_BACKEND_BY_RETENTION_CLASS =
      "storage.backend_by_retention_class";

  public static final String LIMITS_MAX_PATH_BYTES = "limits.max_path_bytes";
  public static final String LIMITS_MAX_PATH_DEPTH = "limits.max_path_depth";
  public static final String LIMITS_MAX_SEGMENT_BYTES = "limits.max_segment_bytes";
  public static final String LIMITS_MAX_METADATA_BYTES = "limits.max_metadata_bytes";
  public static final String LIMITS_MAX_FILE_BYTES = "limits.max_file_bytes";

  public static final String RETENTION_DEFAULT_CLASS = "retention.default_class";
  /** Section of retention classes by name; each value is an ISO-8601 duration or "never". */
  public static final String RETENTION_CLASSES = "retention.classes";
  public static final String RETENTION_ABANDONED_AFTER = "retention.abandoned_after";
  public static final String RETENTION_SWEEPER_ENABLED = "retention.sweeper.enabled";
  public static final String RETENTION_SWEEPER_INTERVAL = "retention.sweeper.interval";
  public static final String RETENTION_SWEEPER_DRY_RUN = "retention.sweeper.dry_run";

  public static final String INTEGRITY_GRACE_PERIOD = "integrity.grace_period";
  public static final String INTEGRITY_RECONCILE_INTERVAL = "integrity.reconcile_interval";

  /**
   * Who anonymous callers are: {@code auto} (every role when bound to loopback with no other
   * authentication configured; refused at startup otherwise), {@code none}, or a
   * comma-separated list of roles.
   */
  public static final String SECURITY_ANONYMOUS = "security.anonymous";
  public static final String SECURITY_TOKEN_DEFAULT_TTL = "security.token_default_ttl";
  public static final String SECURITY_TOKEN_CACHE_TTL = "security.token_cache_ttl";
  /**
   * Host names the server answers for ({@code Host}), comma-separated; {@code auto}: the
   * loopback names when bound to loopback, any otherwise; {@code *}: any.
   */
  public static final String SECURITY_ALLOWED_HOSTS = "security.allowed_hosts";
  /**
   * The role {@code /health} and {@code /metrics} need; empty: anyone
   * ({@code /health/live} and {@code /health/ready} are always open).
   */
  public static final String SECURITY_OPERATIONS_ROLE = "security.operations_role";
  /** Serve the operations routes on their own listener instead of the API's. */
  public static final String MANAGEMENT_ENABLED = "management.enabled";
  public static final String MANAGEMENT_HOST = "management.host";
  public static final String MANAGEMENT_PORT = "management.port";
  /** Requests per second one caller may send (0: no limit). */
  public static final String SECURITY_LIMITS_REQUESTS_PER_SECOND =
      "security.limits.requests_per_second_per_caller";
  /** Uploads one caller may run at once (0: no limit). */
  public static final String SECURITY_LIMITS_MAX_CONCURRENT_UPLOADS =
      "security.limits.max_concurrent_uploads_per_caller";
  /** The OIDC issuer whose JWTs are accepted (its {@code iss}); empty: no OIDC. */
  public static final String SECURITY_OIDC_ISSUER = "security.oidc.issuer";
  public static final String SECURITY_OIDC_JWKS_URL = "security.oidc.jwks_url";
  public static final String SECURITY_OIDC_AUDIENCE = "security.oidc.audience";
  public static final String SECURITY_OIDC_ALGORITHMS = "security.oidc.algorithms";
  public static final String SECURITY_OIDC_CLOCK_SKEW = "security.oidc.clock_skew";
  public static final String SECURITY_OIDC_JWKS_REFRESH = "security.oidc.jwks_refresh";
  /** Section of claim rules by name: each {@code {claims, roles, producer_scope}}. */
  public static final String SECURITY_OIDC_RULES = "security.oidc.rules";
  /** The link-signing key file (LinkSigner); created with one key when missing. */
  public static final String SECURITY_LINK_KEYS_FILE = "security.link_keys_file";
  public static final String SECURITY_LINK_DEFAULT_TTL = "security.link_default_ttl";
  public static final String SECURITY_LINK_MAX_TTL = "security.link_max_ttl";
  /** Origins allowed cross-origin (CORS), comma-separated; empty: CORS off. */
  public static final String SECURITY_CORS_ORIGINS = "security.cors_origins";

  /**
   * Directories whose files co-deployed services may name on the event bus
   * ({@code artifactstore.v1.file.import}), comma-separated absolute paths; empty: none.
   */
  public static final String INTEGRATION_IMPORT_ROOTS = "integration.import_roots";
  public static final String INTEGRATION_EVENTS_POLL_INTERVAL =
      "integration.events_poll_interval";
  /** Whether the TCP event-bus bridge listens (for co-deployed services in other processes). */
  public static final String INTEGRATION_BRIDGE_ENABLED = "integration.bridge_enabled";
  /** The bridge's address: a loopback address only ({@code 127.0.0.1}, {@code ::1}). */
  public static final String INTEGRATION_BRIDGE_HOST = "integration.bridge_host";
  /** The bridge's TCP port. */
  public static final String INTEGRATION_BRIDGE_PORT = "integration.bridge_port";

  /** The producer of the packages attestations uploaded to the Archivista API are kept in. */
  public static final String ATTESTATIONS_PRODUCER = "attestations.producer";
  /** Their retention class; empty: {@code retention.default_class}. */
  public static final String ATTESTATIONS_RETENTION_CLASS = "attestations.retention_class";
  /** The largest attestation upload accepted, in bytes. */
  public static final String ATTESTATIONS_MAX_BYTES = "attestations.max_bytes";
  /** Trusted public keys for DSSE signatures: comma-separated {@code keyid=/path/key.pem}. */
  public static final String ATTESTATIONS_TRUSTED_KEYS = "attestations.trusted_keys";
  /** Whether an envelope needs a signature that verifies with a trusted key (else 422). */
  public static final String ATTESTATIONS_REQUIRE_TRUSTED_SIGNATURE =
      "attestations.require_trusted_signature";

  /** The server's manifest-signing keys; empty: manifests are not signed. */
  public static final String ATTESTATIONS_SIGNING_KEYS_FILE = "attestations.signing_keys_file";

  /** Keys whose value is a section whose own keys are chosen by the operator. */
  static final String[] OPEN_SECTIONS =
      {STORAGE_BACKENDS, STORAGE_BACKEND_BY_RETENTION_CLASS, RETENTION_CLASSES,
          SECURITY_OIDC_RULES};

  private ConfigKeys() {}

  /** {@code http.port} becomes {@code ARTIFACTSTORE_HTTP_PORT}; dashes become underscores. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
