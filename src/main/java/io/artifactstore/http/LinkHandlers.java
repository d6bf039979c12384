package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.config.AppConfig;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.registry.LogicalPath;
import io.artifactstore.security.LinkSigner;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code POST /v1/packages/{id}/links} {@code {path, expires_in?}}: a signed download link to
 * one file of the package ({@link LinkSigner}), for whoever may read the package. 201
 * {@code {url, path, expires_at}}; 404 {@code file_not_found} for a file the package does not
 * hold; 400 for an {@code expires_in} that is not an ISO-8601 duration within
 * {@code security.link_max_ttl}.
 */
final class LinkHandlers {

  private final Vertx vertx;
  private final AppConfig config;
  private final LinkSigner signer;
  private final Clock clock;

  LinkHandlers(Vertx vertx, AppConfig config, LinkSigner signer, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.signer = signer;
    this.clock = clock;
  }

  void create(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx, false);
    if (!(body.getValue("path") instanceof String logical) || logical.isEmpty()) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "path (the file's logical path) is "
          + "required");
    }
    String path = LogicalPath.fromUrl(encode(logical), config.limits());
    Duration ttl = ttl(body.getValue("expires_in"));
    String pkg = ctx.pathParam("id");
    Bus.<JsonObject>request(vertx, Addresses.FILE_GET,
            new JsonObject().put("package", pkg).put("path", path))
        .onComplete(Responses.replying(ctx, file -> {
          long expires = clock.instant().plus(ttl).getEpochSecond();
          String requestPath = "/v1/packages/" + encode(pkg) + FileHandlers.FILES_SEGMENT
              + encode(path);
          String host = BrowserGuard.authority(ctx.request());
          String url = (ctx.request().isSSL() ? "https://" : "http://")
              + (host == null ? config.http().host() + ":" + config.http().port() : host)
              + requestPath + "?" + signer.sign(requestPath, expires);
          ctx.response().putHeader("Cache-Control", "no-store");
          Responses.json(ctx, 201, new JsonObject().put("url", url).put("path", path)
              .put("expires_at", Instant.ofEpochSecond(expires).toString()), null);
        }));
  }

  private Duration ttl(Object value) {
    if (value == null) {
      return config.security().links().defaultTtl();
    }
    Duration max = config.security().links().maxTtl();
    if (value instanceof String s) {
      try {
        Duration d = Duration.parse(s);
        if (!d.isNegative() && !d.isZero() && d.compareTo(max) <= 0) {
          return d;
        }
      } catch (DateTimeParseException e) {
        // answered below
      }
    }
    throw new ApiException(ErrorCode.INVALID_REQUEST, "expires_in must be an ISO-8601 duration "
        + "such as PT1H, at most " + max + " (security.link_max_ttl)");
  }

  /**
   * Percent-encodes each segment of {@code path} (RFC 3986 section 2: every byte of its UTF-8
   * but the unreserved characters), keeping the slashes between them.
   */
  static String encode(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }
}
