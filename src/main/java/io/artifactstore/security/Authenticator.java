package io.artifactstore.security;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Turns an {@code Authorization} field into an {@link Identity} (RFC 9110 section 11.6.2,
 * the Bearer scheme of RFC 6750 section 2.1):
 * <ul>
 *   <li>no field: the anonymous identity ({@link AnonymousAccess});</li>
 *   <li>{@code Bearer <API token>}: the token's identity, looked up by the SHA-256 of the
 *       secret over the event bus and trusted for {@code security.token_cache_ttl} (dropped at
 *       once when revoked, on every server of the database: {@link #forget});</li>
 *   <li>anything else fails: another scheme {@code unauthenticated} (401), a field that is not
 *       {@code Bearer <token68>} {@code invalid_authorization} (400), an unknown, expired or
 *       revoked token {@code invalid_token} (401).</li>
 * </ul>
 * One instance serves every HTTP verticle; it is thread-safe.
 */
public final class Authenticator {

  /** token68 (RFC 9110 section 11.2). */
  private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
  private static final int MAX_CACHED = 10_000;

  private final Vertx vertx;
  private final AnonymousAccess anonymous;
  /** The identity of every caller without credentials (one, not one per request). */
  private final Identity anonymousIdentity;
  private final long cacheNanos;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  /**
   * Tokens revoked while this server runs: a lookup that was in flight during the revocation
   * must not cache the token afterwards.
   */
  private final java.util.Set<String> revoked = ConcurrentHashMap.newKeySet();
  private final OidcVerifier oidc;
  private final LinkSigner links;

  private record Cached(Identity identity, long fetchedNanos) {}

  /** {@code oidc} (null when none is configured) verifies JWTs. */
  public Authenticator(Vertx vertx, AnonymousAccess anonymous, Duration cacheTtl, Clock clock,
      OidcVerifier oidc, LinkSigner links) {
    this.oidc = oidc;
    this.links = links;
    this.vertx = vertx;
    this.anonymous = anonymous;
    this.anonymousIdentity = anonymous.identity();
    this.cacheNanos = cacheTtl.toNanos();
    this.clock = clock;
  }

  /** Signs and checks download links. */
  public LinkSigner links() {
    return links;
  }

  /** What anonymous callers may do. */
  public AnonymousAccess anonymous() {
    return anonymous;
  }

  /**
   * How callers are authenticated, for {@code /health}: {@code {anonymous_roles: [..],
   * anonymous: "<why>", authentication: ["api_token"]}}.
   */
  public JsonObject describe() {
    return new JsonObject()
        .put("anonymous_roles", new JsonArray(anonymous.roles().stream().map(Role::wireName)
            .sorted().toList()))
        .put("anonymous", anonymous.reason())
        .put("authentication", oidc == null ? new JsonArray().add("api_token")
            : new JsonArray().add("api_token").add("oidc"))
        .put("oidc", oidc == null ? null : oidc.describe());
  }

  /** The identity {@code authorization} (the field's value, or null) proves. */
  public Future<Identity> authenticate(String authorization) {
    if (authorization == null) {
      return Future.succeededFuture(anonymousIdentity);
    }
    String field = authorization.trim();
    int space = field.indexOf(' ');
    String scheme = space < 0 ? field : field.substring(0, space);
    if (!scheme.toLowerCase(Locale.ROOT).equals("bearer")) {
      return Future.failedFuture(new ApiException(ErrorCode.UNAUTHENTICATED,
          "the Authorization scheme is not accepted; send 'Authorization: Bearer <token>'"));
    }
    String credentials = space < 0 ? "" : field.substring(space + 1).trim();
    if (!TOKEN68.matcher(credentials).matches()) {
      return Future.failedFuture(new ApiException(ErrorCode.INVALID_AUTHORIZATION,
          "the Authorization field must be 'Bearer' and one token (RFC 6750 section 2.1)"));
    }
    if (credentials.startsWith(ApiTokens.PREFIX)) {
      return apiToken(credentials);
    }
    if (oidc != null && OidcVerifier.looksLikeJwt(credentials)) {
      return oidc.verify(credentials);
    }
    return Future.failedFuture(new ApiException(ErrorCode.INVALID_TOKEN, oidc == null
        ? "the bearer token is not an API token of this server"
        : "the bearer token is neither an API token of this server nor a JWT"));
  }

  private Future<Identity> apiToken(String secret) {
    if (!ApiTokens.wellFormed(secret)) {
      return Future.failedFuture(new ApiException(ErrorCode.INVALID_TOKEN,
          "the bearer token is not a well-formed API token (its checksum does not hold)"));
    }
    String hash = ApiTokens.hash(secret);
    Cached hit = cache.get(hash);
    if (hit != null && System.nanoTime() - hit.fetchedNanos() < cacheNanos
        && !revoked.contains(hit.identity().subject())) {
      return unexpired(hit.identity());
    }
    return Bus.<JsonObject>request(vertx, Addresses.TOKEN_AUTHENTICATE,
            new JsonObject().put("secret_sha256", hash))
        .map(token -> {
          Identity identity = identity(token);
          if (revoked.contains(identity.subject())) {
            throw new ApiException(ErrorCode.INVALID_TOKEN,
                "the bearer token is unknown, expired or revoked");
          }
          if (cache.size() >= MAX_CACHED) {
            cache.clear();
          }
          cache.put(hash, new Cached(identity, System.nanoTime()));
          return identity;
        });
  }

  private Future<Identity> unexpired(Identity identity) {
    if (identity.expiresAt() != 0 && identity.expiresAt() <= clock.millis()) {
      return Future.failedFuture(new ApiException(ErrorCode.INVALID_TOKEN,
          "the bearer token is unknown, expired or revoked"));
    }
    return Future.succeededFuture(identity);
  }

  /**
   * Drops what is cached of the API token {@code tokenId} and never caches it again: called by
   * cluster.ClusterVerticle when the token is revoked, here or on another server.
   */
  public void forget(String tokenId) {
    revoked.add(tokenId);
    cache.values().removeIf(c -> c.identity().subject().equals(tokenId));
  }

  /** The identity of a token in TokenService's JSON form. */
  static Identity identity(JsonObject token) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    token.getJsonArray("roles").forEach(r -> roles.add(Role.of(String.valueOf(r))));
    JsonArray scope = token.getJsonArray("producer_scope");
    List<String> patterns = null;
    if (scope != null) {
      patterns = new ArrayList<>();
      for (Object p : scope) {
        patterns.add(String.valueOf(p));
      }
    }
    String expires = token.getString("expires_at");
    return new Identity(Identity.Kind.TOKEN, token.getString("id"), token.getString("name"),
        roles, ProducerScope.of(patterns),
        expires == null ? 0 : java.time.Instant.parse(expires).toEpochMilli());
  }
}
