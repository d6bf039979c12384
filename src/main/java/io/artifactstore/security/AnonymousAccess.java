package io.artifactstore.security;

import io.artifactstore.config.AppConfig;
import io.artifactstore.config.ConfigException;
import io.artifactstore.config.ConfigKeys;
import io.artifactstore.config.Hosts;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a caller without credentials may do, resolved once at startup from
 * {@code security.anonymous}:
 * <ul>
 *   <li>{@code auto} (the default): with an OIDC issuer configured, no role; else, bound to a
 *       loopback address, every role (the embedded
 *       default needs no set-up; only processes on the host can connect); bound to any other
 *       address, the server refuses to start and names the keys to set, as Redis's protected
 *       mode does;</li>
 *   <li>{@code none}: every request needs an API token;</li>
 *   <li>a comma-separated list of roles, such as {@code reader}.</li>
 * </ul>
 * A caller who sends credentials is judged by them alone, whatever anonymous callers may do.
 *
 * @param roles the roles of anonymous callers
 * @param reason one sentence for the startup log and {@code /health}
 */
public record AnonymousAccess(Set<Role> roles, String reason) {

  public AnonymousAccess {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(Role.closure(roles));
  }

  /** Resolves {@code security.anonymous}; a {@link ConfigException} when it may not start. */
  public static AnonymousAccess resolve(AppConfig config) {
    String value = config.security().anonymous().trim().toLowerCase(Locale.ROOT);
    String host = config.http().host();
    if (value.equals("auto")) {
      if (config.security().oidc().isPresent()) {
        return new AnonymousAccess(Set.of(), "anonymous callers have no role: an OIDC issuer "
            + "is configured (" + ConfigKeys.SECURITY_ANONYMOUS + " auto); every request needs "
            + "credentials");
      }
      if (Hosts.isLoopback(host)) {
        return new AnonymousAccess(EnumSet.allOf(Role.class), "bound to loopback (" + host
            + ") with no authentication configured: anonymous callers have every role; set "
            + ConfigKeys.SECURITY_ANONYMOUS + " to none to require API tokens");
      }
      throw new ConfigException(ConfigKeys.SECURITY_ANONYMOUS, ConfigKeys.HTTP_HOST + " is "
          + host + ", not a loopback address, and no authentication is configured: set "
          + ConfigKeys.SECURITY_ANONYMOUS + " (env " + ConfigKeys.envName(
              ConfigKeys.SECURITY_ANONYMOUS) + ") to none, so that every request needs an API "
          + "token (create the first admin token with 'artifact-store token create --bootstrap "
          + "--name NAME --role admin'), or to the roles anonymous callers get, such as reader");
    }
    if (value.equals("none")) {
      return new AnonymousAccess(Set.of(), "anonymous callers have no role ("
          + ConfigKeys.SECURITY_ANONYMOUS + " is none): every request needs credentials");
    }
    List<Role> roles = new ArrayList<>();
    for (String name : value.split(",")) {
      try {
        roles.add(Role.of(name));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(ConfigKeys.SECURITY_ANONYMOUS,
            "must be auto, none or a comma-separated list of roles: " + e.getMessage());
      }
    }
    if (!Hosts.isLoopback(host) && config.security().allowedHosts().isEmpty()) {
      // A web page can rebind its own name to this address and read as an anonymous caller.
      throw new ConfigException(ConfigKeys.SECURITY_ALLOWED_HOSTS, "anonymous callers have "
          + "roles on " + host + ", beyond loopback: set " + ConfigKeys.SECURITY_ALLOWED_HOSTS
          + " to the host names clients use (or * to accept any, exposed to DNS rebinding)");
    }
    return new AnonymousAccess(EnumSet.copyOf(roles), "anonymous callers have the roles "
        + roles.stream().map(Role::wireName).toList() + " (" + ConfigKeys.SECURITY_ANONYMOUS
        + ")");
  }

  /** The identity of a caller without credentials. */
  public Identity identity() {
    return Identity.anonymous(roles);
  }
}
