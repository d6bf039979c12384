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

/** {@code GET} and {@code HEAD /v1/blobs/{sha256|blake3}/{hex}}: content-addressed reads. */
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
}
