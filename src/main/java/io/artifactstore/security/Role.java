package io.artifactstore.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What an identity may do (docs/security.md holds the matrix of every route against every
 * role). Roles nest: {@code admin} holds every other role, {@code retention-admin} reads
 * everything as {@code reader} does.
 */
public enum Role {
  /** Reads everything: packages, files, blobs, events, the audit log, statistics. */
  READER("reader"),
  /**
   * Creates packages whose producer its scope covers, uploads to and finalizes only those, and
   * reads them.
   */
  PRODUCER("producer"),
  /** Extends retention, places and releases holds, deletes eligible packages; reads. */
  RETENTION_ADMIN("retention-admin"),
  /** Tokens, sweeps, verification, fsck, and everything the other roles may do. */
  ADMIN("admin");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in the API, the configuration and the event log. */
  public String wireName() {
    return wireName;
  }

  /** The roles this one holds, itself included. */
  public Set<Role> implied() {
    return switch (this) {
      case READER -> EnumSet.of(READER);
      case PRODUCER -> EnumSet.of(PRODUCER);
      case RETENTION_ADMIN -> EnumSet.of(RETENTION_ADMIN, READER);
      case ADMIN -> EnumSet.allOf(Role.class);
    };
  }

  /** The role named {@code name}; {@link IllegalArgumentException} naming the valid ones. */
  public static Role of(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (Role r : values()) {
      if (r.wireName.equals(n)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + name
        + "'; roles are reader, producer, retention-admin, admin");
  }

  /** Every role {@code roles} hold, directly or by nesting. */
  public static Set<Role> closure(Iterable<Role> roles) {
    Set<Role> all = EnumSet.noneOf(Role.class);
    for (Role r : roles) {
      all.addAll(r.implied());
    }
    return all;
  }
}
