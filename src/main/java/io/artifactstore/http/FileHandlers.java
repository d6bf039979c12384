package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.config.AppConfig;
import io.artifactstore.dataplane.Uploads;
import io.artifactstore.error.ApiException;
import io.artifactstore.integration.AddByDigest;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.registry.LogicalPath;
import io.artifactstore.registry.MediaType;
import io.artifactstore.security.CallerLimits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code PUT}, {@code GET} and {@code HEAD /v1/packages/{id}/files/{path}}. Uploads stream:
 * the request is paused while the control plane checks the package and path, then piped through
 * the digests into storage, then recorded; no body handler, no buffering of the body.
 */
final class FileHandlers {

  static final String FILES_SEGMENT = "/files/";

  private final Vertx vertx;
  private final AppConfig config;
  private final Uploads uploads;
  private final Downloads downloads;
  private final CallerLimits callers;
  private final FileRefCache cache;

  FileHandlers(Vertx vertx, AppConfig config, Uploads uploads, Downloads downloads,
      CallerLimits callers, FileRefCache cache) {
    this.cache = cache;
    this.vertx = vertx;
    this.config = config;
    this.uploads = uploads;
    this.downloads = downloads;
    this.callers = callers;
  }

  /** The logical path from the raw (not normalized) request path. */
  String logicalPath(RoutingContext ctx) {
    String raw = ctx.request().path();
    int at = raw.indexOf(FILES_SEGMENT);
    return LogicalPath.fromUrl(raw.substring(at + FILES_SEGMENT.length()), config.limits());
  }

  /**
   * The checks of an upload that need no body and no database: path, query, digest and
   * length headers, media type. Run before the request's preconditions; the request is paused
   * from here until the body is piped.
   */
  void checkUpload(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    req.pause();
    logicalPath(ctx);
    Requests.flag(ctx, "replace");
    DigestHeaders.expectedSha256(req.headers());
    Requests.claimedActor(ctx);
    MediaType.of(req.getHeader(HttpHeaders.CONTENT_TYPE));
    String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    long max = config.limits().maxFileBytes();
    if (max > 0 && declared != null && parseLength(declared) > max) {
      throw new ApiException(ErrorCode.FILE_TOO_LARGE, "Content-Length " + declared
          + " is larger than the limit of " + max + " bytes");
    }
    ctx.next();
  }

  void upload(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Uploads.Target target = new Uploads.Target(ctx.pathParam("id"), logicalPath(ctx),
        Requests.flag(ctx, "replace"), req.getHeader(HttpHeaders.CONTENT_TYPE),
        DigestHeaders.expectedSha256(req.headers()), Requests.actor(ctx),
        Requests.claimedActor(ctx));
    Runnable callerSlot = callers.acquireUpload(
        CallerLimits.caller(AccessControl.identity(ctx), AccessControl.remote(ctx)));
    Promise<Void> abandoned = Promise.promise();
    Requests.abandoned(ctx).onComplete(v -> abandoned.tryComplete());
    uploads.store(target, req, abandoned.future(), () -> {
          // A client that asked to wait sends the body only now that it will be accepted.
          if (expectsContinue(req)) {
            ctx.put(CONTINUE_SENT, true);
            ctx.response().writeContinue();
          }
          if (ctx.response().closed()) {
            abandoned.tryComplete();
          }
        })
        .onComplete(done -> callerSlot.run())
        .onComplete(Responses.replying(ctx, file -> ctx.response().setStatusCode(201)
            .putHeader(HttpHeaders.LOCATION, req.path())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(file.encode())));
  }

  /**
   * {@code POST /v1/packages/{id}/files/{path}} {@code {sha256, size, media_type?}}: adds a file
   * whose content the server already holds, without its bytes (deploy by checksum).
   */
  void addByDigest(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx, false).copy().put("package_id", ctx.pathParam("id"))
        .put("path", logicalPath(ctx)).put("replace", Requests.flag(ctx, "replace"));
    JsonObject req = AddByDigest.fromJson(body)
        .toRegistry(Requests.actor(ctx), Requests.claimedActor(ctx));
    // No upload slot: no body is read (it gave one back that it never took, which let the
    // bound on uploads grow by one per call).
    Bus.<JsonObject>request(vertx, Addresses.FILE_ADD_BY_DIGEST, req)
        .onComplete(Responses.replying(ctx, file -> ctx.response().setStatusCode(201)
            .putHeader(HttpHeaders.LOCATION, ctx.request().path())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(file.encode())));
  }

  void download(RoutingContext ctx) {
    String pkg = ctx.pathParam("id");
    String path = logicalPath(ctx);
    JsonObject cached = cache.get(pkg, path);
    Supplier<Future<JsonObject>> lookUp = () -> {
      long startedAt = cache.generation();
      return Bus.<JsonObject>request(vertx, Addresses.FILE_GET,
              new JsonObject().put("package", pkg).put("path", path))
          .onSuccess(ref -> cache.offer(ref, startedAt));
    };
    Future<JsonObject> ref = cached != null ? Future.succeededFuture(cached) : lookUp.get();
    ref.compose(r -> downloads.serve(ctx, r, () -> {
          cache.invalidate(pkg);
          return lookUp.get();
        }))
        .onFailure(ctx::fail);
  }

  /**
   * The validators of the file a state-changing request targets: its content's SHA-256 and
   * when it was added; none when the package has no such file yet.
   */
  Future<Optional<Conditionals.Validators>> current(RoutingContext ctx) {
    return Bus.<JsonObject>request(vertx, Addresses.FILE_GET, new JsonObject()
            .put("package", ctx.pathParam("id")).put("path", logicalPath(ctx)))
        .map(ref -> Optional.of(Downloads.validators(ref)))
        .recover(Resources.absentOn(ErrorCode.FILE_NOT_FOUND));
  }

  /** Routing-context key set once {@code 100 Continue} has been sent. */
  static final String CONTINUE_SENT = "artifactstore.continue-sent";

  static boolean expectsContinue(HttpServerRequest req) {
    String expect = req.getHeader(HttpHeaders.EXPECT);
    return expect != null && expect.equalsIgnoreCase("100-continue");
  }

  private static long parseLength(String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "Content-Length is not a number");
    }
  }
}
