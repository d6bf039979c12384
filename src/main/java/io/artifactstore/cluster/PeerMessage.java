package io.artifactstore.cluster;

import io.artifactstore.bus.CacheInvalidation;
import io.vertx.core.json.JsonObject;

/**
 * A message between servers sharing one PostgreSQL database, sent as the payload of a
 * {@code NOTIFY} on {@link PeerChannel#CHANNEL} (JSON, at most 8000 bytes: PostgreSQL's limit).
 *
 * <ul>
 *   <li>{@code events}: the event log grew ({@link io.artifactstore.db.Database#announceAppend}, sent by the
 *       appending transaction, so delivered only if it commits); {@code origin} and {@code id} are empty;</li>
 *   <li>{@code invalidate}: {@code origin} committed {@code change}; every other server drops
 *       it from its caches and answers with an {@code ack} of the same {@code id};</li>
 *   <li>{@code ack}: {@code peer} dropped what invalidation {@code id} of {@code origin}
 *       named.</li>
 * </ul>
 */
public record PeerMessage(Kind kind, String origin, String id, String peer,
    CacheInvalidation change) {

  /** What a message says. */
  public enum Kind { EVENTS, INVALIDATE, ACK }

  static PeerMessage invalidate(String origin, String id, CacheInvalidation change) {
    return new PeerMessage(Kind.INVALIDATE, origin, id, "", change);
  }

  PeerMessage ackFrom(String peer) {
    return new PeerMessage(Kind.ACK, origin, id, peer, null);
  }

  /** The NOTIFY payload. */
  String encode() {
    JsonObject json = new JsonObject().put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
    if (kind != Kind.EVENTS) {
      json.put("origin", origin).put("id", id);
    }
    if (kind == Kind.ACK) {
      json.put("peer", peer);
    }
    if (change != null) {
      json.put("change", change.toJson());
    }
    return json.encode();
  }

  /**
   * Reads a payload; {@link IllegalArgumentException} when it is not one of ours (anything can
   * {@code NOTIFY} on a channel).
   */
  static PeerMessage decode(String payload) {
    try {
      JsonObject json = new JsonObject(payload);
      Kind kind = Kind.valueOf(json.getString("kind", "").toUpperCase(java.util.Locale.ROOT));
      JsonObject change = json.getJsonObject("change");
      PeerMessage m = new PeerMessage(kind, json.getString("origin", ""),
          json.getString("id", ""), json.getString("peer", ""),
          change == null ? null : CacheInvalidation.fromJson(change));
      if (kind == Kind.INVALIDATE && m.change() == null) {
        throw new IllegalArgumentException("an invalidation without a change");
      }
      return m;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a peer message: " + e.getMessage(), e);
    }
  }
}
