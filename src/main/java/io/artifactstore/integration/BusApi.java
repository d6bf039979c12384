package io.artifactstore.integration;

/**
 * The public event-bus addresses (version 1), for services deployed beside the store: in the
 * same Vert.x instance, or in another process through the TCP event-bus bridge. Everything
 * public starts with {@link #PREFIX}; the store's other addresses are internal and may change.
 * Messages are JSON objects (references, never file bytes); see docs/event-bus.md.
 */
public final class BusApi {

  /** The prefix of every public address of this version. */
  public static final String PREFIX = "artifactstore.v1.";

  /**
   * Published once per event of the log, in sequence order, after the event's transaction
   * committed: an {@link EventNotification}. Delivery is at most once; a consumer that missed
   * some asks {@link #EVENTS_SINCE}.
   */
  public static final String EVENTS = PREFIX + "events";

  /**
   * Request {@link EventsSince} ({@code {after, limit}}), reply {@code {events: [notification],
   * next_after, head}}: the events after a sequence number, in order, from the log itself.
   */
  public static final String EVENTS_SINCE = PREFIX + "events.since";

  /**
   * Request {@link CreatePackage}, reply the package ({@code GET /v1/packages/{id}}'s body).
   * The producer role, with a scope covering the producer.
   */
  public static final String PACKAGE_CREATE = PREFIX + "package.create";

  /** Request {@link PackageId}, reply the package. The reader or producer role, in scope. */
  public static final String PACKAGE_GET = PREFIX + "package.get";

  /**
   * Request {@link ListPackages}, reply a page {@code {items: [package], next_cursor}}
   * ({@code GET /v1/packages}'s body). The reader role, with no producer scope.
   */
  public static final String PACKAGE_LIST = PREFIX + "package.list";

  /**
   * Request {@link AddByDigest}, reply the file's record: a file whose content the server
   * already holds, added without its bytes. The producer role, in scope, and a caller that may
   * read that content (an unscoped reader, or a package in its scope holds it).
   */
  public static final String FILE_ADD_BY_DIGEST = PREFIX + "file.add-by-digest";

  /**
   * Request {@link PackageId}, reply the finalized package (with its manifest digest). The
   * producer role, in scope.
   */
  public static final String PACKAGE_FINALIZE = PREFIX + "package.finalize";

  /**
   * Request {@link ImportFile}, reply the file's record (as {@code PUT
   * /v1/packages/{id}/files/{path}} answers it): the server reads a local file that a
   * co-deployed service names, under {@code integration.import_roots} only. The producer role,
   * in scope.
   */
  public static final String FILE_IMPORT = PREFIX + "file.import";

  /**
   * Request {@link PackageId}, reply {@code {manifest_digest, manifest}}: the manifest exactly
   * as recorded at finalize. The reader or producer role, in scope.
   */
  public static final String PACKAGE_MANIFEST = PREFIX + "package.manifest";

  /** Request {@link PackageId}, reply the retention status. The reader or producer role. */
  public static final String RETENTION_STATUS = PREFIX + "retention.status";

  /** Request {@link RetentionChange}, reply the new status. The retention-admin role. */
  public static final String RETENTION_EXTEND = PREFIX + "retention.extend";

  /** Request {@link HoldRequest} (placement), reply the hold. The retention-admin role. */
  public static final String HOLD_PLACE = PREFIX + "hold.place";

  /** Request {@link HoldRequest} (release), reply the released hold. The retention-admin role. */
  public static final String HOLD_RELEASE = PREFIX + "hold.release";

  private BusApi() {}
}
