package io.artifactstore.integration;

import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;

/**
 * A request on {@link BusApi#FILE_IMPORT}: store the local file {@code file} (an absolute path
 * under {@code integration.import_roots}) in package {@code package_id} at the logical
 * {@code path}. JSON: {@code {package_id, path, file, media_type?, sha256?, replace?}};
 * {@code sha256} (64 lowercase hex), when given, must match the content or nothing is stored
 * ({@code digest_mismatch}).
 */
public record ImportFile(String packageId, String path, String file, String mediaType,
    String sha256, boolean replace) {

  public JsonObject toJson() {
    return new JsonObject().put("package_id", packageId).put("path", path).put("file", file)
        .put("media_type", mediaType).put("sha256", sha256).put("replace", replace);
  }

  /** The expected SHA-256 as bytes, or null. */
  byte[] expectedSha256() {
    return sha256 == null ? null : HexFormat.of().parseHex(sha256);
  }

  /** Reads the JSON form: {@code invalid_request} when a field is missing or malformed. */
  public static ImportFile fromJson(JsonObject json) {
    String sha = Fields.text(json, "sha256", false);
    if (sha != null && !sha.matches("[0-9a-f]{64}")) {
      throw new ApiException(ErrorCode.INVALID_REQUEST, "sha256 must be 64 lowercase hex digits");
    }
    return new ImportFile(Fields.text(json, "package_id", true), Fields.text(json, "path", true),
        Fields.text(json, "file", true), Fields.text(json, "media_type", false), sha,
        Fields.flag(json, "replace"));
  }
}
