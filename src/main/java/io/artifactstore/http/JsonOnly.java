package io.artifactstore.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;

/**
 * On the routes that take a JSON body: a request that carries a body must declare it JSON
 * ({@link Requests#requireJsonMediaType}), else 415 before the body is read. A security
 * policy as much as a check of form: the media types a web page may send across origins
 * without a preflight (forms, plain text) are exactly the ones refused, so a page cannot
 * drive the API from a user's browser. Vert.x runs security-policy handlers before the body
 * handler, which is why this is one.
 */
final class JsonOnly implements SecurityPolicyHandler {

  static final JsonOnly INSTANCE = new JsonOnly();

  private JsonOnly() {}

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean body = req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
        || length != null && !length.trim().equals("0");
    if (body) {
      Requests.requireJsonMediaType(req.getHeader(HttpHeaders.CONTENT_TYPE));
    }
    ctx.next();
  }
}
