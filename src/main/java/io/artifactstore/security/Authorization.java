package io.artifactstore.security;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The checks every entry point (HTTP routes, public event-bus addresses) makes of a caller's
 * {@link Identity}: a role, and a producer scope that covers the producer acted for.
 */
public final class Authorization {

  private Authorization() {}

  /**
   * Passes when {@code who} has one of {@code roles}; else {@code unauthenticated} (401) for an
   * anonymous caller, {@code forbidden} (403) for an identified one.
   */
  public static void requireRole(Identity who, Role... roles) {
    for (Role r : roles) {
      if (who.has(r)) {
        return;
      }
    }
    String wanted = Arrays.stream(roles).map(Role::wireName).collect(Collectors.joining(" or "));
    if (who.kind() == Identity.Kind.ANONYMOUS) {
      throw new ApiException(ErrorCode.UNAUTHENTICATED, "this request needs the role " + wanted
          + "; send 'Authorization: Bearer <token>'");
    }
    throw new ApiException(ErrorCode.FORBIDDEN, "this request needs the role " + wanted
        + "; " + who.actor() + " has " + (who.roles().isEmpty() ? "none"
            : who.roles().stream().map(Role::wireName).sorted().toList()));
  }

  /**
   * As {@link #requireRole}, for a request about every producer's packages (lists, the event
   * log): a caller scoped to some producers is {@code forbidden}.
   */
  public static void requireUnscoped(Identity who, Role... roles) {
    requireRole(who, roles);
    if (!who.scope().unrestricted()) {
      throw new ApiException(ErrorCode.FORBIDDEN, "this request is about every producer's "
          + "packages; a caller scoped to " + who.scope() + " may not make it");
    }
  }

  /** Succeeds when {@code who}'s scope covers {@code producer}; else {@code producer_not_in_scope}. */
  public static Future<Void> inScope(Identity who, String producer) {
    if (who.scope().covers(producer)) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(new ApiException(ErrorCode.PRODUCER_NOT_IN_SCOPE, "the caller ("
        + who.actor() + ") may act for " + who.scope() + ", not for producer '" + producer
        + "'"));
  }
}
