package io.artifactstore.events;

import io.vertx.core.json.JsonObject;

/** An event about to be appended: everything but its sequence number, time and digests. */
public record EventDraft(EventType type, String subjectId, String actor, JsonObject payload) {}
