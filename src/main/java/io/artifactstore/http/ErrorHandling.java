package io.artifactstore.http;

import io.artifactstore.dataplane.StorageFaults;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.metrics.HttpMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.channels.ClosedChannelException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one renderer of errors: every failure becomes {@code {"error":{"code","message"}}} with
 * the status of its catalogued code. Unexpected failures are logged and rendered as
 * {@code internal_error} without internals.
 */
final class ErrorHandling {

  private static final Logger LOG = Logger.getLogger(ErrorHandling.class.getName());
  /** Bytes of an unwanted request body read and dropped before answering an error. */
  private static final long DRAIN_LIMIT = 8L * 1024 * 1024;
  /** How long a refused body is still read and dropped before the connection is closed. */
  private static final long LINGER_MS = 2_000;

  private ErrorHandling() {}

  static void install(Router router) {
    router.route().failureHandler(ErrorHandling::render);
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 500}) {
      router.errorHandler(status, ErrorHandling::render);
    }
  }

  /**
   * Answers a request the HTTP codec could not parse (a malformed request line or header, a
   * request line or header section over the limits) with the same JSON error body as every
   * other error, then closes the connection: what follows on it cannot be trusted to be a
   * request. A client error, so nothing is logged above debug level.
   */
  static void invalidRequest(HttpServerRequest request, HttpMetrics metrics) {
    Throwable cause = request.decoderResult().cause();
    ApiException error;
    LOG.log(Level.FINE, "malformed request from " + request.remoteAddress(), cause);
    if (cause instanceof TooLongHttpLineException) {
      error = new ApiException(ErrorCode.URI_TOO_LONG);
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new ApiException(ErrorCode.HEADER_FIELDS_TOO_LARGE);
    } else {
      error = new ApiException(ErrorCode.INVALID_REQUEST, "the request is malformed: "
          + (cause == null ? "unparsable" : String.valueOf(cause.getMessage())));
    }
    refuse(request, error, metrics);
  }

  /**
   * Answers {@code error} to a request refused before routing (a malformed head, a request
   * target that is not a path, an expectation the server cannot meet), then closes the
   * connection: the rest of what the client sent cannot be trusted to be its next request.
   */
  static void refuse(HttpServerRequest request, ApiException error, HttpMetrics metrics) {
    metrics.error(error.code().code());
    Buffer body = error.toJson().toBuffer();
    request.response().setStatusCode(error.code().status())
        .putHeader(HttpHeaders.DATE, HttpDates.now())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()))
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(body)
        .onComplete(v -> request.connection().close());
  }

  static void render(RoutingContext ctx) {
    HttpServerResponse resp = ctx.response();
    if (resp.closed() || ClientGone.is(ctx.failure())) {
      // The client left (a download cut short, an upload abandoned): nobody to answer and
      // nothing wrong with the server.
      if (!resp.closed()) {
        ctx.request().connection().close();
      }
      return;
    }
    ApiException error = classify(ctx);
    HttpMetrics metrics = ctx.get(HttpMetrics.class.getName());
    if (metrics != null) {
      metrics.error(error.code().code());
    }
    if (resp.headWritten()) {
      // Part of a body is already out: all that is left is to cut the connection so the
      // client sees a truncated response rather than a complete-looking one.
      ctx.request().connection().close();
      return;
    }
    Buffer body = error.toJson().toBuffer();
    resp.setStatusCode(error.code().status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
    if (error.code().retryAfterSeconds() > 0) {
      resp.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(error.code().retryAfterSeconds()));
    }
    String challenge = challenge(error.code());
    if (challenge != null) {
      resp.putHeader("WWW-Authenticate", challenge);
    }
    HttpServerRequest req = ctx.request();
    if (req.isEnded() || req.version() == HttpVersion.HTTP_2) {
      resp.end(body);
      return;
    }
    if (hasNoBody(req)) {
      // The router left the request paused: let its end through, so that the connection is
      // ready for the client's next request.
      req.handler(null);
      req.resume();
      resp.end(body);
      return;
    }
    // The client is still sending a body we will not keep. A small remainder is read and
    // dropped so the connection stays usable and the client reads our answer; a large one is
    // not worth receiving: answer, then close.
    if (FileHandlers.expectsContinue(req) && ctx.get(FileHandlers.CONTINUE_SENT) == null) {
      // The client waits for 100 Continue, so the body may never come and cannot be told apart
      // from a next request: answer and close. But a client that gave up waiting (curl after
      // 1 s) is sending it already, so close in stages, or the reset loses the answer.
      resp.putHeader(HttpHeaders.CONNECTION, "close");
      lingeringClose(ctx, resp.end(body));
      return;
    }
    String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    long remaining = declared == null ? Long.MAX_VALUE : parseOrMax(declared);
    // A body cut off for coming too slowly is not waited for again.
    if (remaining <= DRAIN_LIMIT && error.code() != ErrorCode.REQUEST_TIMEOUT) {
      long[] dropped = {0};
      req.handler(chunk -> {
        dropped[0] += chunk.length();
        if (dropped[0] > DRAIN_LIMIT) {
          req.connection().close();
        }
      });
      req.exceptionHandler(e -> { });
      req.endHandler(v -> resp.end(body));
      req.resume();
      return;
    }
    resp.putHeader(HttpHeaders.CONNECTION, "close");
    lingeringClose(ctx, resp.end(body));
  }

  /**
   * The {@code WWW-Authenticate} challenge of an authentication or authorization error
   * (RFC 9110 section 11.6.1; the Bearer scheme's error codes, RFC 6750 section 3.1), or null.
   */
  static String challenge(ErrorCode code) {
    String realm = "Bearer realm=\"artifact-store\"";
    return switch (code) {
      case UNAUTHENTICATED -> realm;
      case INVALID_TOKEN -> realm + ", error=\"invalid_token\"";
      case INVALID_AUTHORIZATION -> realm + ", error=\"invalid_request\"";
      case FORBIDDEN, PRODUCER_NOT_IN_SCOPE -> realm + ", error=\"insufficient_scope\"";
      default -> null;
    };
  }

  /**
   * Closes the connection after an answer sent while the client is still sending a body we
   * will not read, in stages (RFC 9112 section 9.6): what still arrives is read and dropped,
   * for at most {@link #LINGER_MS}, and the connection closed when the body ends or that time
   * is up. Closing at once, with unread input, makes TCP reset the connection, and a client
   * still sending may lose the answer before it reads it.
   */
  private static void lingeringClose(RoutingContext ctx, io.vertx.core.Future<Void> answered) {
    HttpServerRequest req = ctx.request();
    if (req.isEnded()) {
      answered.onComplete(v -> req.connection().close());
      return;
    }
    long timer = ctx.vertx().setTimer(LINGER_MS, t -> req.connection().close());
    req.handler(chunk -> { });
    req.exceptionHandler(e -> { });
    req.endHandler(v -> answered.onComplete(a -> {
      ctx.vertx().cancelTimer(timer);
      req.connection().close();
    }));
    req.resume();
  }

  /**
   * Whether a connection failed on input the client got wrong: a failure of the HTTP codec
   * (a malformed or oversized request line, header section or chunk), which Netty reports as a
   * {@code DecoderException} or, for a bad method or version, an
   * {@code IllegalArgumentException}.
   */
  static boolean malformedByClient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof io.netty.handler.codec.DecoderException) {
        return true;
      }
      // A bad method, version, header or chunk size: the HTTP decoder threw it.
      for (StackTraceElement frame : t.getStackTrace()) {
        if (frame.getClassName().startsWith("io.netty.handler.codec.http.")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A request without {@code Content-Length} and {@code Transfer-Encoding} has no body
   * (RFC 9112 section 6.3), nor does one that declares zero bytes: nothing to wait for or drop.
   */
  private static boolean hasNoBody(HttpServerRequest req) {
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    return req.getHeader(HttpHeaders.TRANSFER_ENCODING) == null
        && (length == null || length.trim().equals("0"));
  }

  private static long parseOrMax(String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static ApiException classify(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure == null) {
      return switch (ctx.statusCode()) {
        case 404 -> new ApiException(ErrorCode.NOT_FOUND,
            "no resource at " + ctx.request().method() + " " + ctx.request().path());
        case 405 -> new ApiException(ErrorCode.METHOD_NOT_ALLOWED,
            ctx.request().method() + " is not allowed on " + ctx.request().path());
        case 413 -> new ApiException(ErrorCode.BODY_TOO_LARGE);
        case 400 -> new ApiException(ErrorCode.INVALID_REQUEST, "the request is malformed");
        default -> new ApiException(ErrorCode.INTERNAL_ERROR);
      };
    }
    java.util.Optional<ApiException> fault = StorageFaults.toApi(failure);
    if (fault.isPresent()) {
      // A fault of the server's storage, not of the request: one line, no stack trace.
      LOG.log(Level.WARNING, "storage failure on " + ctx.request().method() + " "
          + ctx.request().path() + ": " + StorageFaults.describe(failure));
      return fault.get();
    }
    if (malformedByClient(failure)) {
      // A body the HTTP codec could not parse (a bad chunk size, say): the client's error.
      LOG.log(Level.FINE, "malformed request body on " + ctx.request().path(), failure);
      return new ApiException(ErrorCode.INVALID_REQUEST, "the request is malformed: "
          + failure.getMessage());
    }
    ApiException api = ApiException.from(failure);
    if (api.code() == ErrorCode.INTERNAL_ERROR && !(failure instanceof ApiException)) {
      LOG.log(Level.SEVERE, "unexpected failure on " + ctx.request().method() + " "
          + ctx.request().path(), failure);
    }
    return api;
  }
}
