package io.artifactstore.http;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Declares the API's resources on a router the way RFC 9110 expects of them:
 * <ul>
 *   <li>a resource that answers GET answers HEAD with the same status and header fields and no
 *       content (section 9.3.2);</li>
 *   <li>a method the resource does not take is 405 with an {@code Allow} field listing those it
 *       does (section 15.5.6);</li>
 *   <li>a state-changing request with {@code If-Match}, {@code If-None-Match} or
 *       {@code If-Unmodified-Since} has them evaluated against the resource's current
 *       representation before the method is performed (section 13.2.2), 412 when they fail.
 *       When the representation cannot be had for another reason (the package does not exist,
 *       say), the preconditions are left to the method's own answer (section 13.2.1).</li>
 * </ul>
 */
final class Resources {

  /** A GET answer built in memory. */
  @FunctionalInterface
  interface Renderer {
    Future<Representation> render(RoutingContext ctx);
  }

  /**
   * The validators of a resource's current representation: empty when the resource has none
   * (a file not uploaded yet), failed when they cannot be had.
   */
  @FunctionalInterface
  interface CurrentValidators {
    Future<Optional<Conditionals.Validators>> of(RoutingContext ctx);
  }

  /** Routing-context key of the matched resource's template, for metrics. */
  static final String ROUTE = "artifactstore.route";

  /** {@code /v1/packages/:id/files/*} as {@code /v1/packages/{id}/files/{path}}. */
  static String template(String vertxPath) {
    return vertxPath.replaceAll(":([a-z_]+)", "{$1}").replace("/*", "/{path}");
  }

  /** For resources that take no state-changing method. */
  static final CurrentValidators NO_STATE = ctx -> Future.succeededFuture(Optional.empty());

  private final Router router;
  private final AccessControl access;

  Resources(Router router, AccessControl access) {
    this.router = router;
    this.access = access;
  }

  /** A resource at {@code path} (Vert.x path syntax: {@code :param}, trailing {@code *}). */
  Resource at(String path) {
    return new Resource(path);
  }

  /** The methods of one resource, registered in the order they are declared. */
  final class Resource {

    private final String path;
    private final Set<HttpMethod> methods = new LinkedHashSet<>();
    private CurrentValidators current = NO_STATE;

    private Resource(String path) {
      this.path = path;
      String template = template(path);
      router.route(path).handler(ctx -> {
        ctx.put(ROUTE, template);
        ctx.next();
      });
    }

    /**
     * GET and HEAD, for callers {@code policy} admits, answered by {@code renderer}, whose
     * answer is also the current state.
     */
    Resource get(AccessControl.Policy policy, Renderer renderer) {
      current = ctx -> renderer.render(ctx).map(r -> Optional.of(r.validators()));
      return read(policy, ctx -> renderer.render(ctx)
          .onComplete(Responses.replying(ctx, r -> Responses.send(ctx, r))));
    }

    /**
     * GET and HEAD through {@code handler}, which streams its answer and evaluates the
     * preconditions itself; {@code currentState} serves the state-changing methods.
     */
    Resource getStreamed(AccessControl.Policy policy, Handler<RoutingContext> handler,
        CurrentValidators currentState) {
      current = currentState;
      return read(policy, handler);
    }

    private Resource read(AccessControl.Policy policy, Handler<RoutingContext> handler) {
      methods.add(HttpMethod.GET);
      methods.add(HttpMethod.HEAD);
      router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD)
          .handler(access.enforce(policy)).handler(handler);
      return this;
    }

    /**
     * POST; {@code body} (a body handler, run before the policy and the preconditions) may be
     * null.
     */
    Resource post(AccessControl.Policy policy, Handler<RoutingContext> body,
        Handler<RoutingContext> handler) {
      return unsafe(HttpMethod.POST, policy, body, handler);
    }

    /**
     * PUT; {@code check} (which calls {@code next}) validates the request's header fields
     * before its preconditions are evaluated, as a request that would be refused anyway must
     * not be answered 412 (RFC 9110 section 13.2.1).
     */
    Resource put(AccessControl.Policy policy, Handler<RoutingContext> check,
        Handler<RoutingContext> handler) {
      return unsafe(HttpMethod.PUT, policy, check, handler);
    }

    Resource delete(AccessControl.Policy policy, Handler<RoutingContext> body,
        Handler<RoutingContext> handler) {
      return unsafe(HttpMethod.DELETE, policy, body, handler);
    }

    private Resource unsafe(HttpMethod method, AccessControl.Policy policy,
        Handler<RoutingContext> body, Handler<RoutingContext> handler) {
      methods.add(method);
      Route route = router.route(path).method(method);
      boolean json = body instanceof io.vertx.ext.web.handler.BodyHandler;
      if (json) {
        // The policy may need the body (the producer of a package to create): it runs after.
        route.handler(JsonOnly.INSTANCE).handler(body).handler(access.enforce(policy));
      } else {
        // A streamed body stays unread until the caller is admitted.
        route.handler(access.enforce(policy));
        if (body != null) {
          route.handler(body);
        }
      }
      route.handler(this::preconditions);
      route.handler(handler);
      return this;
    }

    /**
     * Section 13.2.2 for a state-changing method; a streamed body (an upload) is still unread,
     * a JSON body has been read by then.
     */
    private void preconditions(RoutingContext ctx) {
      if (!Conditionals.present(ctx.request().headers())) {
        ctx.next();
        return;
      }
      // A streamed body waits, unread, until the method runs (or the error handler drops it).
      ctx.request().pause();
      current.of(ctx).onComplete(ar -> {
        if (ar.failed()) {
          ctx.next();
          return;
        }
        Conditionals.Outcome outcome = Conditionals.evaluate(ctx.request().method(),
            ctx.request().headers(), ar.result().orElse(null));
        if (outcome == Conditionals.Outcome.PROCEED) {
          ctx.next();
        } else {
          ctx.fail(Responses.preconditionFailed());
        }
      });
    }

    /** Closes the declaration: any other method on the path is 405 with {@code Allow}. */
    void done() {
      String allow = String.join(", ", methods.stream().map(HttpMethod::name).toList());
      router.route(path).handler(ctx -> {
        ctx.response().putHeader(HttpHeaders.ALLOW, allow);
        ctx.fail(new ApiException(ErrorCode.METHOD_NOT_ALLOWED,
            ctx.request().method() + " is not allowed on " + ctx.request().path()
                + "; allowed: " + allow));
      });
    }
  }

  /** Maps {@code code} (the resource itself is absent) to "no current representation". */
  static Function<Throwable, Future<Optional<Conditionals.Validators>>> absentOn(ErrorCode code) {
    return e -> ApiException.from(e).code() == code ? Future.succeededFuture(Optional.empty())
        : Future.failedFuture(e);
  }
}
