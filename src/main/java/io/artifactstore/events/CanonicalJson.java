package io.artifactstore.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Canonical JSON: object keys sorted by code point, no insignificant whitespace, UTF-8. The same
 * value always gives the same bytes, so digests over it are stable.
 */
public final class CanonicalJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private CanonicalJson() {}

  public static String encode(JsonObject value) {
    try {
      return MAPPER.writeValueAsString(Cbor.plain(value == null ? new JsonObject() : value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value cannot be encoded as JSON", e);
    }
  }

  public static byte[] encodeBytes(JsonObject value) {
    return encode(value).getBytes(StandardCharsets.UTF_8);
  }
}
