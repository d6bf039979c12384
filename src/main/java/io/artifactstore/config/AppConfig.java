package io.artifactstore.config;

import java.nio.file.Path;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The whole configuration, typed and validated once at startup. */
public record AppConfig(
    Http http, Database database, Storage storage, Limits limits, Retention retention,
    Integrity integrity, Security security, Integration integration,
    Attestations attestations) {

  /**
   * The HTTP listener. {@code instances} is the number of HTTP verticles (0: one per core).
   * {@code shutdownGrace} is how long requests in flight may run once a stop begins. An upload
   * body is cut off when nothing arrives for {@code uploadIdleTimeout}, or when fewer than
   * {@code uploadMinBytesPerSecond} arrive on average over a {@code uploadRateWindow};
   * {@code maxConcurrentUploads} bounds the uploads in flight (0: no bound).
   */
  public record Http(String host, int port, int instances, int maxJsonBodyBytes,
      Duration shutdownGrace, Duration uploadIdleTimeout, Duration uploadRateWindow,
      long uploadMinBytesPerSecond, int maxConcurrentUploads, Optional<Tls> tls,
      Optional<Management> management) {

    /** {@code https} with TLS, else {@code http}. */
    public String scheme() {
      return tls.isPresent() ? "https" : "http";
    }
  }

  /**
   * The management listener: {@code /health}, {@code /health/live}, {@code /health/ready} and
   * {@code /metrics} on {@code host}:{@code port} (plain HTTP, meant for a private interface)
   * and no longer on the API's listener.
   */
  public record Management(String host, int port) {}

  /**
   * TLS from PEM files: the certificate chain (leaf first, then intermediates) and its private
   * key. HTTP/2 is offered by ALPN beside HTTP/1.1.
   */
  public record Tls(java.nio.file.Path certificateChain, java.nio.file.Path privateKey) {}

  /**
   * A {@code sqlite:<file>} or {@code postgresql://...} URL and the pool size. With PostgreSQL,
   * {@code peerAckTimeout} bounds how long a change that invalidates cached file locations waits
   * for every other server on the database to confirm it dropped them.
   */
  public record Database(String url, int poolSize, Duration peerAckTimeout) {

    /** A database with the default peer acknowledgement timeout (5 s). */
    public Database(String url, int poolSize) {
      this(url, poolSize, Duration.ofSeconds(5));
    }

    public boolean isPostgres() {
      return url.startsWith("postgresql://") || url.startsWith("postgres://");
    }
  }

  /**
   * Configured backends by id (each a JSON object with {@code type}), the default's id, and
   * the backend chosen instead of the default for uploads into packages of some retention
   * classes.
   */
  public record Storage(String defaultBackend, JsonObject backends,
      Map<String, String> backendByRetentionClass) {

    /** Where new bytes of a package of {@code retentionClass} go. */
    public String backendFor(String retentionClass) {
      return retentionClass == null ? defaultBackend
          : backendByRetentionClass.getOrDefault(retentionClass, defaultBackend);
    }
  }

  /** Limits on what clients may send. {@code maxFileBytes} 0 means no limit. */
  public record Limits(
      int maxPathBytes, int maxPathDepth, int maxSegmentBytes, int maxMetadataBytes,
      long maxFileBytes) {}

  /**
   * Retention classes by name (an empty duration means the class never expires), the age after
   * which a package still being uploaded is marked failed, and the sweeper's schedule.
   */
  public record Retention(String defaultClass, Map<String, Optional<Duration>> classes,
      Duration abandonedAfter, Sweeper sweeper) {}

  /**
   * The integrity check: objects and temporary uploads younger than {@code gracePeriod} are
   * left alone (they may belong to an upload in flight); the server repairs what is older every
   * {@code reconcileInterval} and once at startup, unless that is empty ("never").
   */
  public record Integrity(Duration gracePeriod, Optional<Duration> reconcileInterval) {}

  /**
   * Authentication and authorization. {@code anonymous} is the configured value of
   * {@code security.anonymous} ({@code auto}, {@code none} or roles), resolved at startup by
   * {@code security.AnonymousAccess}. API tokens created without an expiry expire after
   * {@code tokenDefaultTtl}; a verified token is trusted for {@code tokenCacheTtl} before it is
   * looked up again (a revocation on this instance takes effect at once). {@code allowedHosts}
   * are the host names (lowercase, no port) the server answers for: {@code ["*"]} for any as
   * configured, empty for any by default (bound beyond loopback);
   * {@code corsOrigins} the origins ({@code scheme://host[:port]}) allowed cross-origin, empty
   * for none (CORS off).
   */
  public record Security(String anonymous, Duration tokenDefaultTtl, Duration tokenCacheTtl,
      java.util.List<String> allowedHosts, java.util.List<String> corsOrigins,
      Optional<Oidc> oidc, Links links, String operationsRole, PerCaller perCaller) {}

  /**
   * The event-bus integration: {@code importRoots} are the directories (absolute, real paths)
   * under which a co-deployed service may name files to import; empty: importing is off.
   * {@code bridge} is the TCP event-bus bridge, empty when off. {@code eventsPollInterval} is
   * how often the event log is read for events no announcement covered.
   */
  public record Integration(java.util.List<Path> importRoots, Optional<Bridge> bridge,
      Duration eventsPollInterval) {}

  /**
   * The attestation store (Archivista's API, docs/attestations.md): uploads are kept in
   * packages of {@code producer} with {@code retentionClass}; at most {@code maxBytes} each;
   * DSSE signatures are checked against {@code trustedKeys} (key id to PEM file), and with
   * {@code requireTrustedSignature} an envelope none of whose signatures verifies is refused.
   * {@code signingKeysFile} holds the keys that sign package manifests at finalize (none: they
   * are not signed).
   */
  public record Attestations(String producer, String retentionClass, long maxBytes,
      java.util.Map<String, Path> trustedKeys, boolean requireTrustedSignature,
      Optional<Path> signingKeysFile) {}

  /** The TCP event-bus bridge's loopback {@code host} and {@code port}. */
  public record Bridge(String host, int port) {}

  /**
   * Limits per caller: {@code requestsPerSecond} and {@code maxConcurrentUploads}, 0 for none.
   */
  public record PerCaller(int requestsPerSecond, int maxConcurrentUploads) {}

  /**
   * Signed download links: the key file ({@code keysFile}), the lifetime of a link asked for
   * without one ({@code defaultTtl}) and the longest allowed ({@code maxTtl}).
   */
  public record Links(java.nio.file.Path keysFile, Duration defaultTtl, Duration maxTtl) {}

  /**
   * JWT bearer tokens of one OIDC issuer: {@code issuer} (the {@code iss} they must carry),
   * {@code jwksUrl} (its signing keys, fetched at startup, every {@code jwksRefresh}, and when
   * a token names an unknown key), {@code audience} (one of the {@code aud} values required),
   * the signature {@code algorithms} accepted, the {@code clockSkew} allowed on {@code exp},
   * {@code nbf} and {@code iat}, and the {@code rules} (JSON objects by name, checked by
   * {@code security.OidcRules}) that map claims to roles and producer scope.
   */
  public record Oidc(String issuer, java.net.URI jwksUrl, String audience,
      java.util.List<String> algorithms, Duration clockSkew, Duration jwksRefresh,
      JsonObject rules) {}

  /** The sweeper: off by default; {@code dryRun} reports what it would delete, deletes nothing. */
  public record Sweeper(boolean enabled, Duration interval, boolean dryRun) {}
}
