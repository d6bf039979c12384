package io.artifactstore.attestations;

import io.artifactstore.events.CanonicalJson;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Checks a signed package manifest ({@code GET /v1/packages/{id}/manifest.intoto.json}) with
 * nothing but the signer's public key: the DSSE signature over the pre-authentication encoding,
 * the Statement's form ({@link ManifestStatement}), the manifest's digest (SHA-256 of its
 * canonical JSON) and that the subjects are exactly the manifest's files and the manifest.
 */
public final class SignedManifests {

  /** A manifest whose signature and digests hold. */
  public record Verified(JsonObject manifest, String manifestDigest, String keyid) {}

  private SignedManifests() {}

  /**
   * The manifest {@code envelope} carries, once everything checks with {@code key};
   * {@link IllegalArgumentException} saying what does not.
   */
  public static Verified verify(byte[] envelope, PublicKey key) {
    try {
      return check(envelope, key);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the signed manifest is malformed (" + e + ")");
    }
  }

  private static Verified check(byte[] envelope, PublicKey key) {
    JsonObject env;
    try {
      env = new JsonObject(new String(envelope, StandardCharsets.UTF_8));
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the signed manifest is not a JSON object");
    }
    String payloadType = env.getValue("payloadType") instanceof String t ? t : null;
    String payloadText = env.getValue("payload") instanceof String p ? p : null;
    if (!ManifestStatement.PAYLOAD_TYPE.equals(payloadType) || payloadText == null
        || !(env.getValue("signatures") instanceof JsonArray sigs)) {
      throw new IllegalArgumentException("not a DSSE envelope of an in-toto Statement");
    }
    byte[] payload = Base64.getDecoder().decode(payloadText);
    byte[] pae = Dsse.pae(payloadType, payload);
    String keyid = null;
    for (Object o : sigs) {
      if (o instanceof JsonObject s && s.getValue("sig") instanceof String sig
          && TrustedKeys.verifies(key, pae, Base64.getDecoder().decode(sig))) {
        keyid = s.getString("keyid", "");
        break;
      }
    }
    if (keyid == null) {
      throw new IllegalArgumentException("no signature of the manifest verifies with the key");
    }
    JsonObject statement = new JsonObject(new String(payload, StandardCharsets.UTF_8));
    if (!"https://in-toto.io/Statement/v1".equals(statement.getString("_type"))
        || !ManifestStatement.PREDICATE_TYPE.equals(statement.getString("predicateType"))) {
      throw new IllegalArgumentException("the signed Statement is not a package manifest");
    }
    JsonObject predicate = statement.getJsonObject("predicate");
    JsonObject manifest = predicate.getJsonObject("manifest");
    String digest = predicate.getString("manifest_digest");
    String actual = "sha256:" + sha256(CanonicalJson.encodeBytes(manifest));
    if (!actual.equals(digest)) {
      throw new IllegalArgumentException("the signed manifest's digest is " + actual
          + ", the Statement says " + digest);
    }
    Map<String, String> subjects = new HashMap<>();
    for (Object o : statement.getJsonArray("subject")) {
      JsonObject s = (JsonObject) o;
      subjects.put(s.getString("name"), s.getJsonObject("digest").getString("sha256"));
    }
    Map<String, String> expected = new HashMap<>();
    for (Object o : manifest.getJsonArray("files")) {
      JsonObject f = (JsonObject) o;
      expected.put(f.getString("path"), f.getString("sha256"));
    }
    expected.put(ManifestStatement.MANIFEST_SUBJECT, digest.substring("sha256:".length()));
    if (!subjects.equals(expected)) {
      throw new IllegalArgumentException("the Statement's subjects are not the manifest's files");
    }
    return new Verified(manifest, digest, keyid);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
