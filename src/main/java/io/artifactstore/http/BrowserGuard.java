package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps a web page in a user's browser from driving the store (on loopback or inside a
 * network), before anything else of a request is looked at:
 * <ul>
 *   <li>{@code Host} must name one of {@code security.allowed_hosts} (by default, bound to
 *       loopback, the loopback names): a page that rebinds its own DNS name to 127.0.0.1 still
 *       sends its own name, and is answered 421 {@code misdirected_request} (RFC 9110 section
 *       15.5.20);</li>
 *   <li>a state-changing request (any method but GET, HEAD, OPTIONS) whose {@code Origin} is
 *       neither the server's own (its scheme, {@code http} or {@code https} by whether it speaks
 *       TLS, and the authority the request was sent to) nor one of
 *       {@code security.cors_origins} is 403
 *       {@code cross_origin_refused}; clients that are not browsers send no {@code Origin};</li>
 *   <li>CORS (the Fetch standard) is answered, by Vert.x's {@link CorsHandler}, only to the
 *       configured origins; with none configured there is no CORS at all.</li>
 * </ul>
 * JSON routes also refuse bodies that are not {@code application/json} ({@link JsonOnly}), so
 * no HTML form can post to them.
 */
final class BrowserGuard {

  /** Request header fields a configured origin may send. */
  static final Set<String> CORS_REQUEST_HEADERS = Set.of("Authorization", "Content-Type",
      "Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
      "If-Range", "X-Checksum-Sha256", "Repr-Digest", "Content-Digest", "Want-Repr-Digest",
      "X-Actor");
  /** Response header fields a configured origin's scripts may read. */
  static final Set<String> CORS_EXPOSED_HEADERS = Set.of("ETag", "Content-Range",
      "Accept-Ranges", "Repr-Digest", "Location", "Retry-After", "WWW-Authenticate",
      "Last-Modified", "Content-Length");

  private final List<String> allowedHosts;
  private final List<String> corsOrigins;
  private final CorsHandler cors;

  /** {@code allowedHosts} empty or {@code ["*"]}: any; {@code corsOrigins} empty: CORS off. */
  BrowserGuard(List<String> allowedHosts, List<String> corsOrigins) {
    this.allowedHosts = allowedHosts;
    this.corsOrigins = corsOrigins;
    this.cors = corsOrigins.isEmpty() ? null : CorsHandler.create()
        .addOrigins(corsOrigins)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.DELETE))
        .allowedHeaders(CORS_REQUEST_HEADERS)
        .exposedHeaders(CORS_EXPOSED_HEADERS)
        .maxAgeSeconds(600);
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    HostAndPort authority = req.authority();
    if (!allowedHosts.isEmpty() && !allowedHosts.contains("*") && authority != null
        && !allowedHosts.contains(hostName(authority.host()))) {
      ctx.fail(new ApiException(ErrorCode.MISDIRECTED_REQUEST, "this server does not answer "
          + "for the host '" + authority.host() + "' (security.allowed_hosts)"));
      return;
    }
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (origin == null) {
      ctx.next();
      return;
    }
    String o = origin.trim().toLowerCase(Locale.ROOT);
    boolean listed = corsOrigins.contains(o);
    if (!listed && !sameOrigin(req, o) && changesState(req.method())) {
      ctx.fail(new ApiException(ErrorCode.CROSS_ORIGIN_REFUSED, "a " + req.method()
          + " from the origin " + origin + " is refused; only this server's own origin and "
          + "security.cors_origins may change state"));
      return;
    }
    if (listed && cors != null) {
      cors.handle(ctx);
    } else {
      ctx.next();
    }
  }

  private static boolean changesState(HttpMethod m) {
    return m != HttpMethod.GET && m != HttpMethod.HEAD && m != HttpMethod.OPTIONS;
  }

  /** The request's own origin: its scheme and the {@code Host} it was sent to. */
  private static boolean sameOrigin(HttpServerRequest req, String origin) {
    String authority = authority(req);
    return authority != null && origin.equals((req.isSSL() ? "https://" : "http://")
        + authority.toLowerCase(Locale.ROOT));
  }

  /**
   * The authority the request was sent to, as the client wrote it: {@code Host} on HTTP/1.1,
   * {@code :authority} on HTTP/2 (which Vert.x keeps out of the header fields); null if none.
   */
  static String authority(HttpServerRequest req) {
    HostAndPort a = req.authority();
    if (a == null) {
      return null;
    }
    String host = a.host().contains(":") && !a.host().startsWith("[") ? "[" + a.host() + "]"
        : a.host();
    int defaultPort = req.isSSL() ? 443 : 80;
    return a.port() < 0 || a.port() == defaultPort ? host : host + ":" + a.port();
  }

  private static String hostName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
  }
}
