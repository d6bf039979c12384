package io.artifactstore.bus;

/**
 * Every event-bus address, in one place. Control-plane addresses start with {@code registry.},
 * data-plane ones with {@code dataplane.}. Messages are JSON references
 * ({@code package, path, size, sha256, blake3, backend, location}), never file bytes.
 */
public final class Addresses {

  public static final String PACKAGE_CREATE = "registry.package.create";
  public static final String PACKAGE_GET = "registry.package.get";
  public static final String PACKAGE_LIST = "registry.package.list";
  public static final String PACKAGE_FINALIZE = "registry.package.finalize";
  public static final String PACKAGE_MANIFEST = "registry.package.manifest";
  /** Checks that a file may be written, before any byte is read from the client. */
  public static final String FILE_PREPARE = "registry.file.prepare";
  /** Records a file whose bytes the data plane has committed. */
  public static final String FILE_COMMIT = "registry.file.commit";
  public static final String FILE_GET = "registry.file.get";
  /** Adds a file whose content the server already holds, by its digest (no bytes sent). */
  public static final String FILE_ADD_BY_DIGEST = "registry.file.add-by-digest";
  public static final String STATS = "registry.stats";
  public static final String BLOB_LOCATE = "registry.blob.locate";
  public static final String REGISTRY_HEALTH = "registry.health";
  /**
   * Sent after commits that change what may be served ({@link CacheInvalidation}); answered
   * once every server on the database dropped what it names (see cluster.ClusterVerticle).
   */
  public static final String CACHE_INVALIDATE = "registry.cache.invalidate";
  /**
   * Published (no body) when a server on the database, this one included, announced that it
   * committed events to the shared log.
   */
  public static final String EVENTS_APPENDED = "cluster.events-appended";

  /** Leases content for an upload about to commit it (see retention.Reclaimer). */
  public static final String BLOB_RESERVE = "registry.blob.reserve";
  public static final String BLOB_RELEASE = "registry.blob.release";

  public static final String RETENTION_STATUS = "retention.status";
  public static final String RETENTION_EXTEND = "retention.extend";
  public static final String HOLD_PLACE = "retention.hold.place";
  public static final String HOLD_RELEASE = "retention.hold.release";
  public static final String RETENTION_ELIGIBLE = "retention.eligible";
  public static final String PACKAGE_DELETE = "retention.package.delete";
  public static final String RETENTION_SWEEP = "retention.sweep";

  public static final String AUDIT_FEED = "audit.feed";
  public static final String AUDIT_PACKAGE_EVENTS = "audit.package.events";
  public static final String AUDIT_VERIFY = "audit.verify";

  public static final String DATAPLANE_HEALTH = "dataplane.health";
  public static final String DATAPLANE_VERIFY = "dataplane.verify";
  public static final String DATAPLANE_DELETE = "dataplane.delete";
  /** The ids of the configured backends: {@code {backends: [id...]}}. */
  public static final String DATAPLANE_BACKENDS = "dataplane.backends";
  /** One page of a backend's inventory (references only): see DataPlaneVerticle. */
  public static final String DATAPLANE_INVENTORY = "dataplane.inventory";
  /** Which of some locations a backend holds. */
  public static final String DATAPLANE_EXISTS = "dataplane.exists";
  public static final String DATAPLANE_TEMPORARIES = "dataplane.temporaries";
  public static final String DATAPLANE_REMOVE_TEMPORARY = "dataplane.remove-temporary";

  /** API tokens (security.TokenService): issue, list, get, revoke, look up by secret hash. */
  public static final String TOKEN_CREATE = "security.token.create";
  public static final String TOKEN_LIST = "security.token.list";
  public static final String TOKEN_GET = "security.token.get";
  public static final String TOKEN_REVOKE = "security.token.revoke";
  public static final String TOKEN_AUTHENTICATE = "security.token.authenticate";
  /** The producer of a package, {@code {id}} to {@code {id, producer}}: for authorization. */
  public static final String PACKAGE_PRODUCER = "registry.package.producer";
  /**
   * The producers of the packages (not deleted) holding some content, {@code {sha256}} to
   * {@code {producers: [..]}}: who may add that content by digest.
   */
  public static final String BLOB_PRODUCERS = "registry.blob.producers";
  /**
   * {@code {size, head_sha256?}} to {@code {size, head_sha256?, held}}: whether a stored blob
   * may have that many bytes and that head (the SHA-256 of its first 64 KiB).
   */
  public static final String BLOB_SIZE_HELD = "registry.blob.size_held";

  /** Runs the integrity check (fsck): see integrity.Fsck. */
  public static final String INTEGRITY_FSCK = "integrity.fsck";

  /** Records stored attestation content in a package of its own, with its index. */
  public static final String ATTESTATION_RECORD = "registry.attestation.record";
  /** {@code {gitoid}}: the package and path holding an attestation's bytes, and its index. */
  public static final String ATTESTATION_GET = "attestations.get";
  /** {@code {}}: the published manifest-signing keys, {@code {keys: [...]}}. */
  public static final String SIGNING_KEYS = "registry.signing-keys";
  /** {@code {id}}: the attestations attached to a package. */
  public static final String ATTESTATION_LIST = "attestations.list";
  /** {@code {query, variables?, operationName?}}: a GraphQL request over the attestations. */
  public static final String ATTESTATION_QUERY = "attestations.query";

  private Addresses() {}
}
