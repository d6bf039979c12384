package io.artifactstore.events;

/** Every kind of event the log holds. The wire name is stored in {@code events.event_type}. */
public enum EventType {
  RETENTION_CLASS_DEFINED("retention_class.defined", "retention_class"),
  PACKAGE_CREATED("package.created", "package"),
  BLOB_STORED("blob.stored", "blob"),
  FILE_ADDED("file.added", "package"),
  PACKAGE_FINALIZED("package.finalized", "package"),
  PACKAGE_FAILED("package.failed", "package"),
  RETENTION_EXTENDED("retention.extended", "package"),
  HOLD_PLACED("hold.placed", "package"),
  HOLD_RELEASED("hold.released", "package"),
  PACKAGE_DELETED("package.deleted", "package"),
  BLOB_RECLAIM_STARTED("blob.reclaim_started", "blob"),
  BLOB_RECLAIMED("blob.reclaimed", "blob"),
  /** An object no blob row records is about to be removed (fsck --repair). */
  BLOB_ORPHAN_REMOVAL_STARTED("blob.orphan_removal_started", "blob"),
  /** That object is gone. */
  BLOB_ORPHAN_REMOVED("blob.orphan_removed", "blob"),
  /** A location recorded for content does not hold it (fsck --repair): it is forgotten. */
  BLOB_MISSING("blob.missing", "blob"),
  /** An API token was issued (its secret's SHA-256 is recorded, never the secret). */
  TOKEN_CREATED("token.created", "token"),
  /** An API token was revoked. */
  TOKEN_REVOKED("token.revoked", "token"),
  /**
   * An attestation was stored (in its own package, finalized in the same transaction) and what
   * could be read from it indexed: gitoid, kind, DSSE payload type and signatures with their
   * verification, the in-toto Statement's subjects, predicate type and collection.
   */
  ATTESTATION_RECORDED("attestation.recorded", "package");

  private final String wireName;
  private final String subjectKind;

  EventType(String wireName, String subjectKind) {
    this.wireName = wireName;
    this.subjectKind = subjectKind;
  }

  public String wireName() {
    return wireName;
  }

  /** The kind of subject this event is about: package, blob, retention_class or token. */
  public String subjectKind() {
    return subjectKind;
  }

  public static EventType fromWireName(String name) {
    for (EventType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown event type: " + name);
  }
}
