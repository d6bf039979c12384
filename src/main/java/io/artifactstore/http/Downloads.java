package io.artifactstore.http;

import io.artifactstore.dataplane.BlobSender;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * GET and HEAD of stored content (package files and blobs): validators, conditional requests,
 * single byte ranges and the body. The ETag is the SHA-256 of the content, so it is strong and
 * the same wherever the content is served from.
 */
final class Downloads {

  private final BlobSender sender;
  private final Metrics metrics;

  Downloads(BlobSender sender, Metrics metrics) {
    this.sender = sender;
    this.metrics = metrics;
  }

  /** Serves {@code ref} ({@code size, sha256, media_type, locations, added_at?}). */
  Future<Void> serve(RoutingContext ctx, JsonObject ref) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = ctx.response();
    long size = ref.getLong("size");
    String sha256 = ref.getString("sha256");
    String etag = "\"" + sha256 + "\"";
    BlobSender.Located at = sender.locate(ref);

    resp.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.ETAG, etag)
        .putHeader("Repr-Digest", "sha-256=:"
            + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256)) + ":");
    String lastModified = httpDate(ref.getString("added_at"));
    if (lastModified != null) {
      resp.putHeader(HttpHeaders.LAST_MODIFIED, lastModified);
    }
    if (matchesAny(req.getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      return resp.setStatusCode(304).end();
    }
    resp.putHeader(HttpHeaders.CONTENT_TYPE, ref.getString("media_type"));

    ByteRange range = null;
    String rangeHeader = req.getHeader("Range");
    if (rangeHeader != null && ifRangeHolds(req.getHeader("If-Range"), etag,
        lastModified)) {
      try {
        range = ByteRange.parse(rangeHeader, size);
      } catch (ApiException e) {
        if (e.code() == ErrorCode.RANGE_NOT_SATISFIABLE) {
          resp.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
        }
        throw e;
      }
    }
    long offset = 0;
    long length = size;
    if (range != null) {
      offset = range.offset();
      length = range.length();
      resp.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, range.contentRange(size));
    }
    resp.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
    if (req.method() == HttpMethod.HEAD) {
      return resp.end();
    }
    metrics.download(length);
    if (length == 0) {
      return resp.end();
    }
    if (resp.closed()) {
      // The client left while the reference was being looked up.
      return Future.succeededFuture();
    }
    return sender.send(at, resp, offset, length);
  }

  /** If-None-Match with weak comparison; {@code *} matches any current representation. */
  static boolean matchesAny(String header, String etag) {
    if (header == null) {
      return false;
    }
    for (String candidate : header.split(",")) {
      String c = candidate.trim();
      if (c.equals("*")) {
        return true;
      }
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(etag)) {
        return true;
      }
    }
    return false;
  }

  /**
   * If-Range: the range applies only when the validator still matches: an entity tag compared
   * strongly, or a date equal to Last-Modified.
   */
  static boolean ifRangeHolds(String header, String etag, String lastModified) {
    if (header == null) {
      return true;
    }
    String h = header.trim();
    if (h.startsWith("\"") || h.startsWith("W/")) {
      return h.equals(etag);
    }
    if (lastModified == null) {
      return false;
    }
    try {
      return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(h))
          .equals(Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(lastModified)));
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String httpDate(String iso) {
    if (iso == null) {
      return null;
    }
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        Instant.parse(iso).atZone(ZoneOffset.UTC).withNano(0));
  }
}
