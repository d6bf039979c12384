package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.security.Authenticator;
import io.artifactstore.security.CallerLimits;
import io.artifactstore.security.Authorization;
import io.artifactstore.security.Identity;
import io.artifactstore.security.LinkSigner;
import io.artifactstore.security.PackageAccess;
import io.artifactstore.security.Role;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may call which route (docs/security.md holds the matrix). {@link #authenticate} runs
 * first on every request and records the caller's {@link Identity}; each method of each
 * resource then runs its {@link Policy} before anything else that touches state. A caller
 * without credentials who lacks the role is 401 {@code unauthenticated} (send a token); a
 * caller with credentials who lacks it is 403 {@code forbidden}; one whose producer scope does
 * not cover the package is 403 {@code producer_not_in_scope}. A denial changes nothing.
 */
final class AccessControl {

  private static final String IDENTITY = "artifactstore.identity";

  /** A route method's rule: completes when {@code who} may proceed, fails with the denial. */
  @FunctionalInterface
  interface Policy {
    Future<Void> check(RoutingContext ctx, Identity who);
  }

  private final Authenticator authenticator;
  private final CallerLimits callers;
  private final PackageAccess packages;

  /** {@code callers} (null: none) limits each caller's request rate once it is identified. */
  AccessControl(Vertx vertx, Authenticator authenticator, CallerLimits callers) {
    this.packages = new PackageAccess(vertx);
    this.authenticator = authenticator;
    this.callers = callers;
  }

  private void identified(RoutingContext ctx, Identity who) {
    if (callers != null) {
      callers.admit(CallerLimits.caller(who, remote(ctx)));
    }
    ctx.put(IDENTITY, who);
  }

  /** The client's address, for the limits of callers without an identity of their own. */
  static String remote(RoutingContext ctx) {
    var address = ctx.request().remoteAddress();
    return address == null ? "unknown" : address.hostAddress();
  }

  /** Records the caller's identity, or fails the request with the authentication error. */
  void authenticate(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (req.getParam(LinkSigner.SIGNATURE) != null) {
      // A signed link: it is the credential, whatever else the request carries.
      Future<Identity> link;
      try {
        link = Future.succeededFuture(authenticator.links().verify(req.method().name(),
            req.path(), req.getParam(LinkSigner.EXPIRES), req.getParam(LinkSigner.KEY),
            req.getParam(LinkSigner.SIGNATURE)));
      } catch (ApiException e) {
        link = Future.failedFuture(e);
      }
      continueAfter(ctx, link, who -> identified(ctx, who));
      return;
    }
    continueAfter(ctx, authenticator.authenticate(req.getHeader(HttpHeaders.AUTHORIZATION)),
        who -> identified(ctx, who));
  }

  /**
   * Runs {@code then} and the next handler once {@code work} succeeds, or fails the request.
   * While {@code work} is pending the request is paused, so that no byte of its body is lost
   * before a body handler or an upload reads it; a request without a body is resumed after,
   * so that its end goes through.
   */
  private static <T> void continueAfter(RoutingContext ctx, Future<T> work,
      java.util.function.Consumer<T> then) {
    HttpServerRequest req = ctx.request();
    boolean pending = !work.isComplete();
    if (pending) {
      req.pause();
    }
    work.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      if (ctx.response().closed()) {
        return;
      }
      try {
        then.accept(ar.result());
      } catch (ApiException e) {
        ctx.fail(e);
        return;
      }
      if (pending && !hasBody(req)) {
        req.resume();
      }
      ctx.next();
    });
  }

  /** RFC 9112 section 6.3: a body is announced by Content-Length (not 0) or Transfer-Encoding. */
  private static boolean hasBody(HttpServerRequest req) {
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    return req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
        || (length != null && !length.trim().equals("0"));
  }

  /** The caller of {@code ctx}, as {@link #authenticate} found it. */
  static Identity identity(RoutingContext ctx) {
    Identity who = ctx.get(IDENTITY);
    if (who == null) {
      throw new IllegalStateException("no identity: the request was not authenticated");
    }
    return who;
  }

  /** The handler that enforces {@code policy}. */
  Handler<RoutingContext> enforce(Policy policy) {
    return ctx -> {
      Future<Void> verdict;
      try {
        verdict = policy.check(ctx, identity(ctx));
      } catch (RuntimeException e) {
        verdict = Future.failedFuture(e);
      }
      continueAfter(ctx, verdict, v -> { });
    };
  }

  /** Every caller, anonymous or not, whatever its roles. */
  static Policy anyone() {
    return (ctx, who) -> Future.succeededFuture();
  }

  /**
   * A route about no single package (lists, the event feed, blobs by digest, sweeps, tokens):
   * one of {@code roles}, with no producer scope.
   */
  static Policy service(Role... roles) {
    return (ctx, who) -> {
      requireRole(who, roles);
      if (!who.scope().unrestricted()) {
        return Future.failedFuture(new ApiException(ErrorCode.FORBIDDEN, "this route is about "
            + "every producer's packages; a caller scoped to " + who.scope() + " may not use it"));
      }
      return Future.succeededFuture();
    };
  }

  /**
   * A route about package {@code :id}: one of {@code roles}, and a producer scope that covers
   * the package's producer. A package that does not exist is left to the route's own answer.
   */
  Policy onPackage(Role... roles) {
    return (ctx, who) -> packages.onPackage(who, ctx.pathParam("id"), roles);
  }

  /**
   * Reading a file: as {@link #onPackage} with the reader or producer role, or with a signed
   * link for exactly this path.
   */
  Policy readFile() {
    Policy read = onPackage(Role.READER, Role.PRODUCER);
    return (ctx, who) -> {
      if (who.kind() != Identity.Kind.LINK) {
        return read.check(ctx, who);
      }
      return ctx.request().path().equals(who.name()) ? Future.succeededFuture()
          : Future.failedFuture(new ApiException(ErrorCode.LINK_INVALID,
              "the download link is for another path"));
    };
  }

  /**
   * A route about the packages of one fixed {@code producer} (the attestations'): one of
   * {@code roles}, and a scope that covers that producer.
   */
  static Policy forProducer(String producer, Role... roles) {
    return (ctx, who) -> {
      requireRole(who, roles);
      return inScope(who, producer);
    };
  }

  /** Creating a package: the producer role, and a scope that covers the body's producer. */
  static Policy createPackage() {
    return (ctx, who) -> {
      requireRole(who, Role.PRODUCER);
      JsonObject body = bodyObject(ctx);
      Object producer = body == null ? null : body.getValue("producer");
      // A body without a producer is refused by the route itself (invalid_request).
      return producer instanceof String p ? inScope(who, p) : Future.succeededFuture();
    };
  }

  /**
   * Adding content by digest to package {@code :id}: besides writing to the package, the
   * caller must be able to read the content, that is: read every package (an unscoped reader),
   * or hold a package with that content in its scope. Content it may not read is answered as
   * content the server does not hold ({@code blob_not_found}), so that the route cannot be used
   * to learn what others stored.
   */
  Policy addByDigest() {
    Policy write = onPackage(Role.PRODUCER);
    return (ctx, who) -> write.check(ctx, who).compose(v -> {
      JsonObject body = bodyObject(ctx);
      Object sha = body == null ? null : body.getValue("sha256");
      if (!(sha instanceof String s) || !s.matches("[0-9a-f]{64}")) {
        return Future.succeededFuture(); // refused by the route itself (invalid_request)
      }
      return packages.mayReference(who, s);
    });
  }

  /** The JSON object body, or null when there is none (the route refuses it itself). */
  private static JsonObject bodyObject(RoutingContext ctx) {
    try {
      return ctx.body() == null || ctx.body().length() <= 0 ? null : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Future<Void> inScope(Identity who, String producer) {
    return Authorization.inScope(who, producer);
  }

  private static void requireRole(Identity who, Role... roles) {
    Authorization.requireRole(who, roles);
  }
}
