package io.artifactstore.http;

import io.artifactstore.dataplane.BlobSender;
import io.artifactstore.dataplane.StorageFaults;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.metrics.HttpMetrics;
import io.artifactstore.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * GET and HEAD of stored content (package files and blobs): validators, conditional requests
 * (RFC 9110 section 13.2.2), one byte range (section 14), and the body.
 *
 * <p>The status line is written only once the bytes are open for reading. Content the registry
 * still lists but storage no longer holds (reclaimed a moment ago, or lost) is looked up again:
 * the registry's answer then (404 {@code blob_not_found}, 410 {@code package_deleted}) is the
 * client's, or 503 {@code storage_unavailable} when the registry still lists it. A client never
 * gets a 200 that is cut short for want of bytes.
 *
 * <p>The ETag is the quoted SHA-256 hex of the content: strong, and the same wherever the
 * content is served from. {@code Last-Modified} is when the file was added, when known.
 */
final class Downloads {

  private static final Logger LOG = Logger.getLogger(Downloads.class.getName());

  private final BlobSender sender;
  private final Metrics metrics;

  Downloads(BlobSender sender, Metrics metrics) {
    this.sender = sender;
    this.metrics = metrics;
  }

  /**
   * Serves {@code ref} ({@code size, sha256, media_type, locations, added_at?});
   * {@code lookUpAgain} asks the registry afresh, when storage does not hold what {@code ref}
   * names.
   */
  Future<Void> serve(RoutingContext ctx, JsonObject ref,
      Supplier<Future<JsonObject>> lookUpAgain) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = ctx.response();
    long size = ref.getLong("size");
    Conditionals.Validators validators = validators(ref);
    MultiMap headers = req.headers();
    switch (Conditionals.evaluate(req.method(), headers, validators)) {
      case NOT_MODIFIED -> {
        putRepresentationHeaders(resp, ref, validators);
        return resp.setStatusCode(304).end();
      }
      case PRECONDITION_FAILED -> {
        return Future.failedFuture(Responses.preconditionFailed());
      }
      case PROCEED -> { }
    }
    if (ref.getJsonArray("locations").isEmpty()) {
      // Recorded missing (fsck, blob.missing), unless the same bytes have come again since
      // this reference was read: the registry's current answer decides.
      return lookUpAgain.get().compose(fresh -> fresh.getJsonArray("locations").isEmpty()
          ? Future.failedFuture(new ApiException(ErrorCode.CONTENT_MISSING, "the content sha256:"
              + fresh.getString("sha256") + " was lost from storage"))
          : serve(ctx, fresh, () -> Future.succeededFuture(fresh)));
    }
    ByteRange range = range(req, size, validators);
    long offset = range == null ? 0 : range.offset();
    long length = range == null ? size : range.length();
    // HTTP/2 frames what it sends, so a file cannot go to it with sendfile: it is streamed.
    boolean zeroCopy = req.version() != io.vertx.core.http.HttpVersion.HTTP_2;
    return sender.open(ref, offset, length, zeroCopy).transform(ar -> {
      if (ar.succeeded()) {
        return send(ctx, ref, validators, range, length, ar.result());
      }
      if (!missing(ar.cause())) {
        return Future.failedFuture(ar.cause());
      }
      // Storage does not hold what the registry named: the registry's current answer (the
      // package deleted, the blob reclaimed, the file replaced or stored elsewhere) decides.
      return lookUpAgain.get().compose(fresh -> sameContentSameLocations(ref, fresh)
          ? Future.failedFuture(lost(ref))
          : serve(ctx, fresh, () -> Future.succeededFuture(fresh)));
    });
  }

  private Future<Void> send(RoutingContext ctx, JsonObject ref,
      Conditionals.Validators validators, ByteRange range, long length, BlobSender.Opened opened) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = req.response();
    if (resp.closed()) {
      // The client left while the content was being found.
      opened.close();
      return Future.succeededFuture();
    }
    putRepresentationHeaders(resp, ref, validators);
    resp.putHeader(HttpHeaders.CONTENT_TYPE, ref.getString("media_type"))
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    stored(resp);
    if (range != null) {
      resp.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE,
          range.contentRange(ref.getLong("size")));
    }
    if (req.method() == HttpMethod.HEAD || length == 0) {
      opened.close();
      return resp.end();
    }
    Future<Void> sent = opened.send(resp);
    metrics.download(length, sent);
    // A transfer the client cuts short ends no routing-context handler: count it here.
    HttpMetrics.Request counted = ctx.get(HttpMetrics.Request.class.getName());
    sent.onFailure(e -> {
      if (counted != null) {
        counted.ended(ctx.get(Resources.ROUTE), null);
      }
    });
    return sent;
  }

  /** A stored content's validators: the quoted SHA-256 hex and when it was added, if known. */
  static Conditionals.Validators validators(JsonObject ref) {
    String added = ref.getString("added_at");
    return new Conditionals.Validators(EntityTag.strong(ref.getString("sha256")),
        added == null ? null : Instant.parse(added));
  }

  /**
   * The range a GET asks for and may have: null for the whole content (no Range, a HEAD, a
   * failed {@code If-Range}, or a Range the server ignores).
   */
  private static ByteRange range(HttpServerRequest req, long size,
      Conditionals.Validators validators) {
    String header = req.getHeader("Range");
    if (header == null || req.method() != HttpMethod.GET
        || !Conditionals.ifRangeHolds(req.headers(), validators)) {
      return null;
    }
    try {
      return ByteRange.parse(header, size);
    } catch (ApiException e) {
      if (e.code() == ErrorCode.RANGE_NOT_SATISFIABLE) {
        req.response().putHeader(HttpHeaders.CONTENT_RANGE, ByteRange.unsatisfied(size));
      }
      throw e;
    }
  }

  /** Header fields of the selected representation, shared by 200, 206, 304 and HEAD. */
  /**
   * Stored content is what producers sent, HTML and SVG included: a browser must never run it
   * as a page of this origin, where its scripts could call the API with the viewer's rights.
   * {@code Content-Security-Policy: sandbox} (CSP Level 3) gives it an opaque origin with no
   * scripts, forms or plugins, and {@code X-Content-Type-Options: nosniff} keeps browsers to
   * the declared type. Reports still render; they just do nothing.
   */
  static void stored(HttpServerResponse resp) {
    resp.putHeader("Content-Security-Policy", "sandbox")
        .putHeader("X-Content-Type-Options", "nosniff");
  }

  private static void putRepresentationHeaders(HttpServerResponse resp, JsonObject ref,
      Conditionals.Validators validators) {
    Responses.putValidators(resp, validators);
    resp.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("Repr-Digest", "sha-256=:" + Base64.getEncoder()
            .encodeToString(HexFormat.of().parseHex(ref.getString("sha256"))) + ":");
  }

  private static boolean missing(Throwable e) {
    return StorageFaults.missing(e);
  }

  private static boolean sameContentSameLocations(JsonObject a, JsonObject b) {
    return a.getString("sha256").equals(b.getString("sha256"))
        && java.util.Objects.equals(a.getJsonArray("locations"), b.getJsonArray("locations"));
  }

  /** Content the registry lists that no backend holds: a storage failure, logged. */
  private static ApiException lost(JsonObject ref) {
    LOG.log(Level.WARNING, "the registry lists sha256:" + ref.getString("sha256")
        + " but no storage backend holds it");
    return new ApiException(ErrorCode.STORAGE_UNAVAILABLE,
        "the content sha256:" + ref.getString("sha256") + " is listed but not stored");
  }
}
