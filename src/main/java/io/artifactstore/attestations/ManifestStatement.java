package io.artifactstore.attestations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The in-toto Statement (v1) a finalized package's manifest is signed as: one subject per file
 * ({@code name} its logical path, {@code digest} its {@code sha256} and {@code blake3}), then the
 * manifest itself ({@code name} {@value #MANIFEST_SUBJECT}, {@code digest.sha256} the manifest
 * digest); predicate type {@value #PREDICATE_TYPE}, predicate {@code {manifest_digest,
 * manifest}} with the manifest as recorded. Wrapped in a DSSE envelope of payload type
 * {@value #PAYLOAD_TYPE} and signed by the server ({@link SigningKeys}).
 */
public final class ManifestStatement {

  public static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
  public static final String PREDICATE_TYPE = "urn:artifact-store:manifest:v1";
  public static final String MANIFEST_SUBJECT = "manifest.json";

  private ManifestStatement() {}

  /** The Statement's bytes (compact JSON) for {@code manifest} (canonical JSON) and its digest. */
  public static byte[] of(String manifest, String manifestDigest) {
    JsonObject m = new JsonObject(manifest);
    JsonArray subjects = new JsonArray();
    for (Object o : m.getJsonArray("files", new JsonArray())) {
      JsonObject f = (JsonObject) o;
      subjects.add(new JsonObject().put("name", f.getString("path"))
          .put("digest", new JsonObject().put("sha256", f.getString("sha256"))
              .put("blake3", f.getString("blake3"))));
    }
    subjects.add(new JsonObject().put("name", MANIFEST_SUBJECT).put("digest",
        new JsonObject().put("sha256", manifestDigest.substring(manifestDigest.indexOf(':') + 1))));
    return new JsonObject().put("_type", "https://in-toto.io/Statement/v1")
        .put("subject", subjects).put("predicateType", PREDICATE_TYPE)
        .put("predicate", new JsonObject().put("manifest_digest", manifestDigest)
            .put("manifest", m))
        .encode().getBytes(StandardCharsets.UTF_8);
  }
}
