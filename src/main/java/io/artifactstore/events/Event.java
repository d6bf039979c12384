package io.artifactstore.events;

import io.vertx.core.json.JsonObject;

/**
 * One appended event. {@code payload} is the CBOR encoding of the payload; {@code payloadDigest}
 * is its SHA-256 and {@code chainDigest} links the event to its predecessor.
 */
public record Event(
    long seq,
    long createdAt,
    EventType type,
    String subjectKind,
    String subjectId,
    String actor,
    byte[] payload,
    byte[] payloadDigest,
    byte[] chainDigest) {

  /** The payload decoded from CBOR. */
  public JsonObject payloadJson() {
    return Cbor.decode(payload);
  }
}
