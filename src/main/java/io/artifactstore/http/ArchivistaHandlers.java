package io.artifactstore.http;

import io.artifactstore.attestations.Gitoid;
import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.dataplane.AttestationUploads;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.security.CallerLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Archivista's attestation API (in-toto/archivista {@code pkg/server}), so that darnit, witness
 * and archivistactl can use artifact-store as their attestation store (docs/attestations.md):
 * {@code POST /upload} stores the raw body and answers {@code {"gitoid"}};
 * {@code GET /download/{gitoid}} answers the exact bytes; {@code POST /query} answers GraphQL.
 * Each path also under {@code /v1/}. Unlike Archivista, a duplicate upload is 200 with the same
 * gitoid, a missing id is 404 with the JSON error, and bodies stream.
 */
final class ArchivistaHandlers {

  private final Vertx vertx;
  private final AttestationUploads uploads;
  private final Downloads downloads;
  private final CallerLimits callers;

  ArchivistaHandlers(Vertx vertx, AttestationUploads uploads, Downloads downloads,
      CallerLimits callers) {
    this.vertx = vertx;
    this.uploads = uploads;
    this.downloads = downloads;
    this.callers = callers;
  }

  /**
   * {@code POST /upload}: the body (any JSON document, at most {@code attestations.max_bytes},
   * with a {@code Content-Length}) is stored byte for byte; 200 {@code {gitoid, package_id}}.
   */
  void upload(RoutingContext ctx) {
    store(ctx, null);
  }

  /**
   * {@code POST /v1/packages/{id}/attestations}: a DSSE envelope about the package (a subject
   * with the sha256 of its manifest or of one of its files), stored as any upload and attached
   * to the package; 201 {@code {gitoid, package_id, attached_to}}.
   */
  void attach(RoutingContext ctx) {
    store(ctx, ctx.pathParam("id"));
  }

  /** {@code GET /v1/packages/{id}/attestations}: those attached, with their verdicts. */
  Future<Representation> attached(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return Bus.<JsonObject>request(vertx, Addresses.PACKAGE_GET, new JsonObject().put("id", id))
        .compose(pkg -> Bus.<JsonObject>request(vertx, Addresses.ATTESTATION_LIST,
            new JsonObject().put("id", id)))
        .map(Representation::json);
  }

  private void store(RoutingContext ctx, String attachTo) {
    HttpServerRequest req = ctx.request();
    // Unread until the data plane's writer is ready for it.
    req.pause();
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    long contentLength;
    try {
      contentLength = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      contentLength = -1;
    }
    if (contentLength < 0) {
      throw new ApiException(ErrorCode.LENGTH_REQUIRED, "an attestation upload needs a "
          + "Content-Length (its gitoid hashes the length before the bytes)");
    }
    Runnable callerSlot = callers.acquireUpload(
        CallerLimits.caller(AccessControl.identity(ctx), AccessControl.remote(ctx)));
    uploads.store(req, contentLength, Requests.actor(ctx), Requests.claimedActor(ctx), attachTo,
            Requests.abandoned(ctx), () -> {
              // A client that asked to wait sends the body only now that it will be read.
              if (FileHandlers.expectsContinue(req)) {
                ctx.put(FileHandlers.CONTINUE_SENT, true);
                ctx.response().writeContinue();
              }
            })
        .onComplete(done -> callerSlot.run())
        .onComplete(Responses.replying(ctx, stored -> {
          JsonObject answer = new JsonObject().put("gitoid", stored.getString("gitoid"))
              .put("package_id", stored.getString("package_id"));
          if (attachTo != null) {
            // The same bytes kept already answer their record, attached where they were.
            boolean created = stored.getBoolean("created", false);
            ctx.response().setStatusCode(created ? 201 : 200)
                .putHeader(HttpHeaders.LOCATION, "/download/" + stored.getString("gitoid"));
            answer.put("attached_to", stored.getString("attached_to"));
          } else {
            ctx.response().setStatusCode(200);
          }
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(answer.encode() + "\n");
        }));
  }

  /** {@code GET /download/{gitoid}}: the bytes as uploaded, ranges and conditionals as files. */
  void download(RoutingContext ctx) {
    String gitoid = ctx.pathParam("gitoid");
    if (!Gitoid.isGitoid(gitoid)) {
      throw new ApiException(ErrorCode.INVALID_GITOID, "'" + shorten(gitoid)
          + "' is not a gitoid (64 lowercase hex digits)");
    }
    locate(gitoid)
        .compose(ref -> downloads.serve(ctx, ref, () -> locate(gitoid)))
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> locate(String gitoid) {
    return Bus.<JsonObject>request(vertx, Addresses.ATTESTATION_GET,
            new JsonObject().put("gitoid", gitoid))
        .compose(a -> Bus.request(vertx, Addresses.FILE_GET, new JsonObject()
            .put("package", a.getString("package_id")).put("path", a.getString("path"))));
  }

  /**
   * {@code POST /query}: a GraphQL request {@code {query, variables?, operationName?}}, answered
   * 200 with {@code {data}} or {@code {errors}} (GraphQL over HTTP).
   */
  void query(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx, false);
    if (!(body.getValue("query") instanceof String)) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "a GraphQL request needs query, a string");
    }
    Bus.<JsonObject>request(vertx, Addresses.ATTESTATION_QUERY, body)
        .onComplete(Responses.replying(ctx, result -> ctx.response().setStatusCode(200)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(result.encode())));
  }

  private static String shorten(String s) {
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return t.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
