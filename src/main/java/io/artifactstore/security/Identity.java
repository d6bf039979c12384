package io.artifactstore.security;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who is calling, as verified by {@link Authenticator}: an API token, a JWT from the configured
 * OIDC issuer, a signed download link, or nobody (anonymous, with the roles
 * {@code security.anonymous} gives).
 *
 * @param kind how the caller was identified
 * @param subject the token id, the JWT {@code sub}, or {@code anonymous}
 * @param name the token name, the JWT issuer, or the link's file path
 * @param roles the roles held, nesting resolved ({@link Role#closure})
 * @param scope the producers the identity may act for
 * @param expiresAt when the credential expires, epoch milliseconds; 0 for never
 */
public record Identity(Kind kind, String subject, String name, Set<Role> roles,
    ProducerScope scope, long expiresAt) {

  /** How a caller was identified. */
  public enum Kind {
    ANONYMOUS, TOKEN, OIDC, LINK
  }

  public Identity {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(Role.closure(roles));
  }

  /** An anonymous caller holding {@code roles}. */
  public static Identity anonymous(Set<Role> roles) {
    return new Identity(Kind.ANONYMOUS, "anonymous", "anonymous",
        roles.isEmpty() ? EnumSet.noneOf(Role.class) : roles, ProducerScope.ANY, 0);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /**
   * The name the event log records as the actor: {@code anonymous},
   * {@code token:<name>/<id>}, {@code oidc:<issuer>#<subject>} or {@code link:<path>}.
   */
  public String actor() {
    return switch (kind) {
      case ANONYMOUS -> "anonymous";
      case TOKEN -> "token:" + name + "/" + subject;
      case OIDC -> "oidc:" + name + "#" + subject;
      case LINK -> "link:" + name;
    };
  }
}
