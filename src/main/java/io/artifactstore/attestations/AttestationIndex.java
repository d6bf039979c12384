package io.artifactstore.attestations;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What is recorded about an uploaded attestation besides its bytes, the payload of its
 * {@code attestation.recorded} event: {@code {kind, payload_type, statement_type,
 * predicate_type, collection_name, subjects: [{name, digests: {algorithm: value}}],
 * attestation_types: [type], signatures: [{keyid, signature (base64), verified_by, reason}]}}.
 *
 * <p>Values the index searches by are bounded: a digest algorithm longer than
 * {@value #MAX_ALGORITHM} characters, a digest value longer than {@value #MAX_VALUE} or an
 * attestation type longer than {@value #MAX_TYPE} is left out of the index (the bytes keep it).
 */
public final class AttestationIndex {

  static final int MAX_ALGORITHM = 256;
  static final int MAX_VALUE = 1024;
  static final int MAX_TYPE = 1024;

  private AttestationIndex() {}

  /** The index of {@code document}, whose signatures were checked as {@code verdicts}. */
  public static JsonObject of(ScannedDocument document, List<TrustedKeys.Verdict> verdicts) {
    JsonObject index = new JsonObject().put("kind", document.kind().name().toLowerCase())
        .put("payload_type", document.payloadType());
    ScannedDocument.Statement st = document.statement();
    JsonArray subjects = new JsonArray();
    JsonArray types = new JsonArray();
    if (st != null) {
      index.put("statement_type", st.type()).put("predicate_type", st.predicateType())
          .put("collection_name", st.collectionName());
      for (ScannedDocument.Subject s : st.subjects()) {
        JsonObject digests = new JsonObject();
        for (Map.Entry<String, String> d : s.digests().entrySet()) {
          if (d.getKey().length() <= MAX_ALGORITHM && d.getValue().length() <= MAX_VALUE) {
            digests.put(d.getKey(), d.getValue());
          }
        }
        subjects.add(new JsonObject().put("name", s.name()).put("digests", digests));
      }
      st.attestationTypes().stream().filter(t -> t.length() <= MAX_TYPE).forEach(types::add);
    }
    JsonArray signatures = new JsonArray();
    for (int i = 0; i < document.signatures().size(); i++) {
      ScannedDocument.EnvelopeSignature s = document.signatures().get(i);
      TrustedKeys.Verdict v = verdicts.get(i);
      signatures.add(new JsonObject().put("keyid", s.keyid())
          .put("signature", Base64.getEncoder().encodeToString(s.sig()))
          .put("verified_by", v.verifiedBy()).put("reason", v.reason()));
    }
    return index.put("subjects", subjects).put("attestation_types", types)
        .put("signatures", signatures);
  }
}
