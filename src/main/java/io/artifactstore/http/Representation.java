package io.artifactstore.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An answer built in memory (a JSON document, the OpenAPI document, metrics), before the
 * request's preconditions are applied to it.
 *
 * @param status the status of the answer without preconditions (200, or 503 for a health check)
 * @param contentType its media type
 * @param body its content
 * @param etag its entity tag, or null for the digest of {@code body} (see {@link Responses})
 * @param lastModified its last modification, or null when it has none
 */
record Representation(int status, String contentType, Buffer body, EntityTag etag,
    Instant lastModified) {

  /** A 200 JSON document. */
  static Representation json(JsonObject document) {
    return new Representation(200, "application/json", document.toBuffer(), null, null);
  }

  /** The validators a 200 of this representation carries. */
  Conditionals.Validators validators() {
    return new Conditionals.Validators(etag != null ? etag : EntityTag.strong(
        Responses.digest(body)), lastModified);
  }
}
