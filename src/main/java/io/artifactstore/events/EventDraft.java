package io.artifactstore.events;

import io.vertx.core.json.JsonObject;

/**
 * An event about to be appended: everything but its sequence number, time and digests.
 * {@code actor} is the verified identity of whoever caused it (security.Identity#actor), or a
 * {@code system} name.
 */
public record EventDraft(EventType type, String subjectId, String actor, JsonObject payload) {

  /**
   * An event caused by request {@code req}: when the caller also claimed a name
   * ({@code claimed_actor}, from {@code X-Actor}), it is recorded in the payload beside the
   * verified actor, never instead of it.
   */
  public static EventDraft claimed(EventType type, String subjectId, String actor,
      JsonObject req, JsonObject payload) {
    Object claimed = req.getValue("claimed_actor");
    if (claimed instanceof String c && !c.isBlank()) {
      payload.put("claimed_actor", c);
    }
    return new EventDraft(type, subjectId, actor, payload);
  }
}
