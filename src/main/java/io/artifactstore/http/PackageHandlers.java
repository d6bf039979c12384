package io.artifactstore.http;

import io.artifactstore.bus.Addresses;
import io.artifactstore.bus.Bus;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.artifactstore.integration.CreatePackage;
import io.artifactstore.integration.ListPackages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** The package routes: create, show, list, finalize, manifest. */
final class PackageHandlers {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = CBORMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private final Vertx vertx;

  PackageHandlers(Vertx vertx) {
    this.vertx = vertx;
  }

  void create(RoutingContext ctx) {
    JsonObject body = CreatePackage.fromJson(Requests.jsonBody(ctx, false)).toJson()
        .put("actor", Requests.actor(ctx)).put("claimed_actor", Requests.claimedActor(ctx));
    Bus.<JsonObject>request(vertx, Addresses.PACKAGE_CREATE, body)
        .onComplete(Responses.replying(ctx, pkg -> Responses.json(ctx, 201, pkg, "/v1/packages/" + pkg.getString("id"))));
  }

  Future<Representation> get(RoutingContext ctx) {
    return Bus.<JsonObject>request(vertx, Addresses.PACKAGE_GET,
            new JsonObject().put("id", ctx.pathParam("id")))
        .map(Representation::json);
  }

  Future<Representation> list(RoutingContext ctx) {
    String limit = ctx.request().getParam("limit");
    Integer pageSize = null;
    if (limit != null) {
      try {
        pageSize = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "limit must be a whole number");
      }
    }
    var q = ctx.request();
    ListPackages query = new ListPackages(q.getParam("producer"), q.getParam("subject"),
        q.getParam("status"), q.getParam("manifest_digest"), q.getParam("cursor"), pageSize);
    return Bus.<JsonObject>request(vertx, Addresses.PACKAGE_LIST, query.toJson())
        .map(Representation::json);
  }

  void finalizePackage(RoutingContext ctx) {
    Requests.jsonBody(ctx, true);
    Bus.<JsonObject>request(vertx, Addresses.PACKAGE_FINALIZE,
            new JsonObject().put("id", ctx.pathParam("id")).put("actor", Requests.actor(ctx))
        .put("claimed_actor", Requests.claimedActor(ctx)))
        .onComplete(Responses.replying(ctx, pkg -> Responses.json(ctx, 200, pkg, null)));
  }

  /**
   * The manifest exactly as recorded at finalize (canonical JSON; its SHA-256 is the
   * manifest digest), or the same document as CBOR with {@code ?format=cbor}.
   */
  /**
   * {@code GET /v1/packages/{id}/manifest.intoto.json}: the DSSE envelope, signed by the server
   * at finalize, of the in-toto Statement whose subjects are the package's files and whose
   * predicate is its manifest (attestations.ManifestStatement); {@code manifest_not_signed}
   * when the package was finalized without a signing key.
   */
  Future<Representation> signedManifest(RoutingContext ctx) {
    return Bus.<JsonObject>request(vertx, Addresses.PACKAGE_MANIFEST,
            new JsonObject().put("id", ctx.pathParam("id")))
        .compose(m -> {
          String envelope = m.getString("manifest_envelope");
          if (envelope == null) {
            return Future.failedFuture(new ApiException(ErrorCode.MANIFEST_NOT_SIGNED, "package "
                + ctx.pathParam("id") + " was finalized without a signing key"));
          }
          ctx.response().putHeader("X-Manifest-Digest", m.getString("manifest_digest"));
          byte[] bytes = envelope.getBytes(StandardCharsets.UTF_8);
          return Future.succeededFuture(new Representation(200, DSSE_MEDIA_TYPE,
              Buffer.buffer(bytes), EntityTag.strong(sha256Hex(bytes)),
              Instant.parse(m.getString("finalized_at"))));
        });
  }

  /** The media type of a DSSE envelope in JSON. */
  static final String DSSE_MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";

  private static String sha256Hex(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code GET /v1/keys}: the server's manifest-signing public keys, current first. */
  Future<Representation> keys(RoutingContext ctx) {
    return Bus.<JsonObject>request(vertx, Addresses.SIGNING_KEYS, new JsonObject())
        .map(Representation::json);
  }

  Future<Representation> manifest(RoutingContext ctx) {
    String format = ctx.request().getParam("format", "json");
    if (!format.equals("json") && !format.equals("cbor")) {
      throw new ApiException(ErrorCode.UNSUPPORTED_FORMAT, "format must be json or cbor");
    }
    return Bus.<JsonObject>request(vertx, Addresses.PACKAGE_MANIFEST,
            new JsonObject().put("id", ctx.pathParam("id")))
        .compose(m -> {
          String digest = m.getString("manifest_digest");
          ctx.response().putHeader("X-Manifest-Digest", digest);
          Instant finalized = Instant.parse(m.getString("finalized_at"));
          byte[] jsonBytes = m.getString("manifest").getBytes(StandardCharsets.UTF_8);
          if (format.equals("json")) {
            // The manifest digest is the SHA-256 of exactly these bytes.
            return Future.succeededFuture(new Representation(200, "application/json",
                Buffer.buffer(jsonBytes), EntityTag.strong(digest.substring("sha256:".length())),
                finalized));
          }
          try {
            byte[] cbor = CBOR.writeValueAsBytes(JSON.readValue(jsonBytes, Map.class));
            return Future.succeededFuture(new Representation(200, "application/cbor",
                Buffer.buffer(cbor), null, finalized));
          } catch (java.io.IOException e) {
            return Future.failedFuture(e);
          }
        });
  }

  /**
   * {@code POST /v1/packages/{id}/verify}: the data plane re-reads and re-hashes every file of
   * the package where it is stored; the answer lists each file with its outcome.
   */
  void verify(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Bus.<JsonObject>request(vertx, Addresses.PACKAGE_GET, new JsonObject().put("id", id))
        .compose(pkg -> verifyFiles(id, pkg.getJsonArray("files"), 0, new JsonArray()))
        .onComplete(Responses.replying(ctx, results -> {
          boolean ok = results.stream().allMatch(r -> ((JsonObject) r).getBoolean("ok"));
          Responses.json(ctx, 200, new JsonObject().put("package_id", id).put("ok", ok)
              .put("files", results), null);
        }));
  }

  private Future<JsonArray> verifyFiles(String id, JsonArray files, int i, JsonArray out) {
    if (i == files.size()) {
      return Future.succeededFuture(out);
    }
    String path = files.getJsonObject(i).getString("path");
    return Bus.<JsonObject>request(vertx, Addresses.FILE_GET,
            new JsonObject().put("package", id).put("path", path))
        .compose(ref -> {
          JsonArray locations = ref.getJsonArray("locations");
          if (locations.isEmpty()) {
            return Future.succeededFuture(new JsonObject().put("path", path).put("ok", false)
                .put("problem", "no stored copy is recorded"));
          }
          JsonObject where = locations.getJsonObject(0);
          JsonObject expected = new JsonObject().put("size", ref.getLong("size"))
              .put("sha256", ref.getString("sha256")).put("blake3", ref.getString("blake3"));
          return Bus.<JsonObject>request(vertx, Addresses.DATAPLANE_VERIFY,
                  expected.copy().mergeIn(where), VERIFY_TIMEOUT_MS)
              .map(r -> new JsonObject().put("path", path).put("ok", r.getBoolean("ok"))
                  .put("backend", r.getString("backend")).put("expected", expected)
                  .put("actual", new JsonObject().put("size", r.getLong("size"))
                      .put("sha256", r.getString("sha256")).put("blake3", r.getString("blake3"))))
              .recover(e -> Future.succeededFuture(new JsonObject().put("path", path)
                  .put("ok", false).put("problem", e.getMessage())));
        })
        .compose(result -> verifyFiles(id, files, i + 1, out.add(result)));
  }

  /** Re-hashing runs at hundreds of MB/s; this allows objects of hundreds of GB. */
  private static final long VERIFY_TIMEOUT_MS = 60 * 60 * 1000L;

  Future<Representation> stats(RoutingContext ctx) {
    return Bus.<JsonObject>request(vertx, Addresses.STATS, new JsonObject())
        .map(Representation::json);
  }
}
