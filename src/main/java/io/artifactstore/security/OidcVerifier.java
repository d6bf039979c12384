package io.artifactstore.security;

import io.artifactstore.config.AppConfig;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Verifies JWT bearer tokens of the configured OIDC issuer ({@code security.oidc}) with
 * Vert.x's JWT module: the signature against the issuer's JSON Web Key Set (RFC 7517), by one
 * of the configured algorithms (never {@code none}, never HMAC), then {@code iss},
 * {@code aud}, {@code exp}, {@code nbf} and {@code iat} within the clock skew (RFC 7519
 * section 4.1). The key set is fetched at startup, every {@code jwks_refresh}, and when a
 * token names a key it does not hold (at most once every {@link #REFETCH_MS}). Claims become
 * roles and a producer scope by {@link OidcRules}.
 *
 * <p>Failures: a token that is not valid, {@code invalid_token} (401); the key set cannot be
 * had, {@code oidc_unavailable} (503). Tokens are never logged.
 */
public final class OidcVerifier {

  private static final Logger LOG = Logger.getLogger(OidcVerifier.class.getName());
  /** The least time between two fetches of the key set caused by unknown keys. */
  static final long REFETCH_MS = 30_000;
  private static final int MAX_JWKS_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final AppConfig.Oidc config;
  private final OidcRules rules;
  private final HttpClient http;
  private final AtomicReference<JWTAuth> verifier = new AtomicReference<>();
  /** When a fetch of the key set last failed. */
  private volatile long lastFailedFetch;
  /** When a token naming an unknown key last caused a fetch. */
  private volatile long lastUnknownKeyFetch;
  private volatile Future<Void> fetching;

  public OidcVerifier(Vertx vertx, AppConfig.Oidc config) {
    this.vertx = vertx;
    this.config = config;
    this.rules = OidcRules.from(config.rules());
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout(10_000).setIdleTimeout(30));
  }

  /**
   * Fetches the key set and schedules its refresh. A key set that cannot be had is logged, not
   * fatal: tokens are answered 503 until it can.
   */
  public Future<Void> start() {
    vertx.setPeriodic(config.jwksRefresh().toMillis(), t -> fetchKeys());
    return fetchKeys().recover(e -> Future.succeededFuture());
  }

  /** How tokens are checked, for {@code /health}. */
  public JsonObject describe() {
    return new JsonObject().put("issuer", config.issuer()).put("audience", config.audience())
        .put("algorithms", new JsonArray(config.algorithms()))
        .put("keys_loaded", verifier.get() != null);
  }

  /** True when {@code credentials} has the shape of a JWS compact serialization. */
  public static boolean looksLikeJwt(String credentials) {
    return credentials.chars().filter(c -> c == '.').count() == 2;
  }

  /** Header, payload and signature all present: an unsigned token is never passed on. */
  private static boolean signed(String jwt) {
    String[] parts = jwt.split("\\.", -1);
    return parts.length == 3 && !parts[0].isEmpty() && !parts[1].isEmpty()
        && !parts[2].isEmpty();
  }

  /** The identity {@code jwt} proves. */
  public Future<Identity> verify(String jwt) {
    if (!signed(jwt)) {
      return invalid("it is not a signed JWS (three non-empty parts)");
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(
          jwt.substring(0, jwt.indexOf('.'))), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return invalid("its header is not base64url JSON");
    }
    String alg = header.getValue("alg") instanceof String a ? a : null;
    if (alg == null || !config.algorithms().contains(alg)) {
      return invalid("its algorithm " + (alg == null ? "is missing" : "'" + alg
          + "' is not one of " + config.algorithms()));
    }
    JWTAuth auth = verifier.get();
    if (auth == null) {
      // Without keys, a failed fetch is retried at most every REFETCH_MS, not per token.
      Future<Void> fetched = System.currentTimeMillis() - lastFailedFetch < REFETCH_MS
          ? Future.failedFuture("recently failed") : fetchKeys();
      return fetched.transform(ar -> verifier.get() == null
          ? Future.failedFuture(new ApiException(ErrorCode.OIDC_UNAVAILABLE,
              "the signing keys of " + config.issuer() + " cannot be fetched; retry"))
          : verify(jwt));
    }
    return auth.authenticate(new TokenCredentials(jwt))
        .recover(e -> {
          if (e instanceof NoSuchKeyIdException
              && System.currentTimeMillis() - lastUnknownKeyFetch >= REFETCH_MS) {
            lastUnknownKeyFetch = System.currentTimeMillis();
            // The issuer may have rotated its keys: fetch them once more and try again.
            return fetchKeys().compose(v -> verifier.get().authenticate(
                new TokenCredentials(jwt)));
          }
          return Future.failedFuture(e);
        })
        .transform(ar -> {
          if (ar.failed()) {
            return invalid(reason(ar.cause()));
          }
          // Vert.x keeps the verified claims as the user's "accessToken" attribute.
          JsonObject claims = ar.result().attributes().getJsonObject("accessToken");
          if (claims == null) {
            return invalid("it has no claims");
          }
          String subject = claims.getValue("sub") instanceof String s && !s.isBlank() ? s : null;
          if (subject == null || !(claims.getValue("exp") instanceof Number exp)) {
            return invalid("it has no sub or no exp claim");
          }
          return Future.succeededFuture(rules.identity(claims, config.issuer(), subject,
              exp.longValue() * 1000));
        });
  }

  private static Future<Identity> invalid(String why) {
    return Future.failedFuture(new ApiException(ErrorCode.INVALID_TOKEN,
        "the bearer JWT is not valid: " + why));
  }

  /** The library's reason, without anything of the token itself. */
  private static String reason(Throwable e) {
    if (e instanceof NoSuchKeyIdException) {
      return "it is signed by a key the issuer does not publish";
    }
    String m = String.valueOf(e.getMessage());
    if (m.contains("xpired")) {
      return "it has expired (or is not valid yet)";
    }
    if (m.contains("aud")) {
      return "its audience is not " + "the configured one";
    }
    if (m.contains("issuer")) {
      return "its issuer is not the configured one";
    }
    if (m.contains("ignature")) {
      return "its signature does not verify";
    }
    return "it cannot be verified";
  }

  /** Fetches the key set; concurrent callers share one fetch. */
  private synchronized Future<Void> fetchKeys() {
    if (fetching != null) {
      return fetching;
    }
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
        .setAbsoluteURI(config.jwksUrl().toString()).setTimeout(10_000)
        .putHeader("Accept", "application/jwk-set+json, application/json");
    Future<Void> f = http.request(request)
        .compose(req -> req.send())
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture("status " + resp.statusCode());
          }
          // Read with a bound, whatever Content-Length says (or does not, when chunked).
          io.vertx.core.Promise<io.vertx.core.buffer.Buffer> body = io.vertx.core.Promise.promise();
          io.vertx.core.buffer.Buffer all = io.vertx.core.buffer.Buffer.buffer();
          resp.handler(chunk -> {
            if (all.length() + chunk.length() > MAX_JWKS_BYTES) {
              body.tryFail("the key set is larger than " + MAX_JWKS_BYTES + " bytes");
              resp.request().connection().close();
            } else {
              all.appendBuffer(chunk);
            }
          });
          resp.exceptionHandler(body::tryFail);
          resp.endHandler(v -> body.tryComplete(all));
          return body.future();
        })
        .map(body -> {
          install(new JsonObject(body));
          return (Void) null;
        })
        .onFailure(e -> {
          lastFailedFetch = System.currentTimeMillis();
          LOG.log(Level.WARNING, "cannot fetch the signing keys of " + config.issuer()
              + " from " + config.jwksUrl() + ": " + e.getMessage());
        });
    fetching = f;
    f.onComplete(ar -> {
      synchronized (this) {
        fetching = null;
      }
    });
    return f;
  }

  /** Builds a verifier of the usable signing keys of {@code jwks}; none usable, no verifier. */
  private void install(JsonObject jwks) {
    List<JsonObject> keys = new ArrayList<>();
    JsonArray all = jwks.getJsonArray("keys", new JsonArray());
    for (Object o : all) {
      if (!(o instanceof JsonObject key) || "enc".equals(key.getString("use"))) {
        continue;
      }
      JsonObject k = key.copy();
      String alg = k.getString("alg", defaultAlgorithm(k));
      if (alg == null || !config.algorithms().contains(alg)) {
        continue;
      }
      k.put("alg", alg);
      try {
        // Only keys the JWT module can load count: one it skips must not leave it with none.
        new io.vertx.ext.auth.impl.jose.JWK(k);
      } catch (RuntimeException e) {
        LOG.warning("skipped a key of " + config.issuer() + " (kid " + k.getString("kid")
            + "): " + e.getMessage());
        continue;
      }
      keys.add(k);
    }
    if (keys.isEmpty()) {
      // With no key, the JWT module would accept unsigned tokens: never build it so.
      throw new IllegalStateException("the key set holds no signing key for "
          + config.algorithms());
    }
    JWTOptions options = new JWTOptions().setIssuer(config.issuer())
        .setAudience(List.of(config.audience()))
        .setLeeway((int) config.clockSkew().toSeconds());
    verifier.set(JWTAuth.create(vertx, new JWTAuthOptions().setJwks(keys)
        .setJWTOptions(options)));
    LOG.info("loaded " + keys.size() + " signing key(s) of " + config.issuer());
  }

  private static String defaultAlgorithm(JsonObject key) {
    return switch (key.getString("kty", "")) {
      case "RSA" -> "RS256";
      case "EC" -> switch (key.getString("crv", "")) {
        case "P-256" -> "ES256";
        case "P-384" -> "ES384";
        case "P-521" -> "ES512";
        default -> null;
      };
      case "OKP" -> "Ed25519".equals(key.getString("crv")) ? "EdDSA" : null;
      default -> null;
    };
  }
}
