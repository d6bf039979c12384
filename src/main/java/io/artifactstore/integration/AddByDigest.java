package io.artifactstore.integration;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * A request on {@link BusApi#FILE_ADD_BY_DIGEST}, and {@code POST
 * /v1/packages/{id}/files/{path}}: add to package {@code package_id} at the logical
 * {@code path} a file whose content the server already holds, named by its SHA-256 and size,
 * without its bytes. JSON: {@code {package_id, path, sha256, size, media_type?, replace?}};
 * {@code sha256} is 64 lowercase hex digits, {@code size} a whole number of bytes.
 */
public record AddByDigest(String packageId, String path, String sha256, long size,
    String mediaType, boolean replace) {

  public JsonObject toJson() {
    return new JsonObject().put("package_id", packageId).put("path", path)
        .put("sha256", sha256).put("size", size).put("media_type", mediaType)
        .put("replace", replace);
  }

  /**
   * The registry's request ({@code registry.file.add-by-digest}) for this addition, recording
   * {@code actor} (and {@code claimedActor}, who the caller says acts, or null).
   */
  public JsonObject toRegistry(String actor, String claimedActor) {
    return new JsonObject().put("package", packageId).put("path", path).put("replace", replace)
        .put("sha256", sha256).put("size", size).put("media_type", mediaType)
        .put("actor", actor).put("claimed_actor", claimedActor);
  }

  /** Reads the JSON form: {@code invalid_request} when a field is missing or malformed. */
  public static AddByDigest fromJson(JsonObject json) {
    String sha = Fields.text(json, "sha256", true);
    if (!sha.matches("[0-9a-f]{64}")) {
      throw new ApiException(ErrorCode.INVALID_REQUEST,
          "sha256 must be 64 lowercase hex characters");
    }
    Long size = Fields.wholeNumber(json, "size", true);
    if (size < 0) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "size must be a whole number of bytes");
    }
    return new AddByDigest(Fields.text(json, "package_id", true),
        Fields.text(json, "path", true), sha, size, Fields.text(json, "media_type", false),
        Fields.flag(json, "replace"));
  }
}
