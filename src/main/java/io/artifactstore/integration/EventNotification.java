package io.artifactstore.integration;

import io.artifactstore.events.Event;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One event of the log as {@link BusApi#EVENTS} publishes it and {@link BusApi#EVENTS_SINCE}
 * returns it. References only: the event's payload (paths, sizes, digests, retention, holds)
 * travels, never file bytes; the payloads of API-token events are left out (the notification
 * still keeps the sequence unbroken).
 *
 * <p>JSON: {@code {seq, type, subject_kind, subject_id, package_id, actor, created_at, data}},
 * with {@code created_at} an RFC 3339 instant, {@code package_id} null for events about
 * something else than a package (blobs, tokens), {@code data} the payload or null.
 *
 * @param seq the event's sequence number in the log: 1, 2, 3... with no gaps
 * @param type the event type's wire name, for example {@code package.finalized}
 * @param subjectKind {@code package}, {@code blob}, {@code token} or {@code retention_class}
 * @param subjectId the subject's id (a package id, a blob's SHA-256, ...)
 * @param packageId the package the event is about, or null
 * @param actor who caused the event
 * @param createdAt when the event was appended
 * @param data the event's payload, or null
 */
public record EventNotification(long seq, String type, String subjectKind, String subjectId,
    String packageId, String actor, Instant createdAt, JsonObject data) {

  /** The notification of {@code e}. */
  public static EventNotification of(Event e) {
    boolean isPackage = "package".equals(e.subjectKind());
    boolean secret = "token".equals(e.subjectKind());
    return new EventNotification(e.seq(), e.type().wireName(), e.subjectKind(), e.subjectId(),
        isPackage ? e.subjectId() : null, e.actor(), Instant.ofEpochMilli(e.createdAt()),
        secret ? null : e.payloadJson());
  }

  public JsonObject toJson() {
    return new JsonObject().put("seq", seq).put("type", type).put("subject_kind", subjectKind)
        .put("subject_id", subjectId).put("package_id", packageId).put("actor", actor)
        .put("created_at", createdAt.toString()).put("data", data);
  }

  /** Reads the JSON form; throws {@link IllegalArgumentException} when it is not one. */
  public static EventNotification fromJson(JsonObject json) {
    try {
      return new EventNotification(json.getLong("seq"), json.getString("type"),
          json.getString("subject_kind"), json.getString("subject_id"),
          json.getString("package_id"), json.getString("actor"),
          Instant.parse(json.getString("created_at")), json.getJsonObject("data"));
    } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("not an event notification: " + e.getMessage(), e);
    }
  }
}
