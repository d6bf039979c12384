package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code GET} and {@code HEAD /v1/blobs/{sha256|blake3}/{hex}}: content-addressed reads;
 * {@code GET /v1/blobs?size=N}: whether any stored content has that size.
 */
final class BlobHandlers {

  private final Vertx vertx;
  private final Downloads downloads;

  BlobHandlers(Vertx vertx, Downloads downloads) {
    this.vertx = vertx;
    this.downloads = downloads;
  }

  void download(RoutingContext ctx) {
    String algorithm = ctx.pathParam("algorithm");
    String hex = ctx.pathParam("hex").toLowerCase(Locale.ROOT);
    if (!algorithm.equals("sha256") && !algorithm.equals("blake3")) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER,
          "the digest algorithm must be sha256 or blake3");
    }
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, "the digest must be 64 hex characters");
    }
    Supplier<Future<JsonObject>> locate = () -> Bus.request(vertx, Addresses.BLOB_LOCATE,
        new JsonObject().put("algorithm", algorithm).put("hex", hex));
    locate.get().compose(ref -> downloads.serve(ctx, ref, locate)).onFailure(ctx::fail);
  }

  /**
   * {@code GET /v1/blobs?size=N[&head_sha256=H]}: {@code {size, head_sha256?, held}}, whether
   * the server may hold content exactly {@code N} bytes long whose first 64 KiB (all of it when
   * shorter) have the SHA-256 {@code H} ({@link io.artifactstore.hashing.HeadedSha256}).
   * {@code held: false} is certain; {@code true} means "hash it and ask by digest". A client that
   * learns the server cannot hold a file's content sends it at once instead of hashing it first
   * for an add by digest. 400 {@code invalid_parameter} unless {@code size} is one integer from
   * 0 to 2^63-1 and {@code head_sha256}, when given, is once 64 hex digits.
   */
  Future<Representation> bySize(RoutingContext ctx) {
    java.util.List<String> sizes = ctx.queryParam("size");
    if (sizes.size() != 1 || !sizes.get(0).matches("[0-9]{1,19}")) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER,
          "size must be given once, as a non-negative integer");
    }
    long size;
    try {
      size = Long.parseLong(sizes.get(0));
    } catch (NumberFormatException e) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, "size is out of range");
    }
    java.util.List<String> heads = ctx.queryParam("head_sha256");
    if (heads.size() > 1 || (heads.size() == 1 && !heads.get(0).matches("[0-9a-fA-F]{64}"))) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER,
          "head_sha256 must be given at most once, as 64 hex digits");
    }
    JsonObject question = new JsonObject().put("size", size);
    if (heads.size() == 1) {
      question.put("head_sha256", heads.get(0).toLowerCase(Locale.ROOT));
    }
    return Bus.<JsonObject>request(vertx, Addresses.BLOB_SIZE_HELD, question)
        .map(Representation::json);
  }
}
