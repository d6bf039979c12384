package io.artifactstore.attestations;

import java.util.List;
import java.util.Map;

/**
 * What {@link DocumentScanner} read from an uploaded JSON document.
 *
 * @param kind what the document is
 * @param payloadType the DSSE {@code payloadType} (DSSE and bundles), else null
 * @param payload the decoded DSSE payload (DSSE and bundles), else null
 * @param signatures the DSSE signatures, in order (empty for a bare Statement)
 * @param statement the in-toto Statement (bare, or the DSSE payload when it is one), or null
 */
public record ScannedDocument(Kind kind, String payloadType, byte[] payload,
    List<EnvelopeSignature> signatures, Statement statement) {

  /** The kinds of document an upload may be; anything else that is JSON is {@link #OTHER}. */
  public enum Kind {
    /** A DSSE envelope {@code {payloadType, payload, signatures}}. */
    DSSE,
    /** A Sigstore bundle with a {@code dsseEnvelope}. */
    SIGSTORE_BUNDLE,
    /** A bare in-toto Statement (unsigned). */
    STATEMENT,
    /** Some other JSON document: stored and found by gitoid, not indexed. */
    OTHER
  }

  /** One DSSE signature: {@code keyid} as the envelope gives it (may be empty), the raw bytes. */
  public record EnvelopeSignature(String keyid, byte[] sig) {}

  /**
   * An in-toto Statement (v0.1 or v1): {@code _type}, {@code predicateType}, the subjects, and
   * for a witness attestation collection its name and attestation types.
   */
  public record Statement(String type, String predicateType, List<Subject> subjects,
      String collectionName, List<String> attestationTypes) {}

  /** A subject: name and digests by algorithm, in document order. */
  public record Subject(String name, Map<String, String> digests) {}
}
