package io.artifactstore.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deterministic CBOR for event payloads: map keys sorted, so the same payload always encodes to
 * the same bytes and its digest is stable.
 */
public final class Cbor {

  private static final ObjectMapper MAPPER = CBORMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      // One data item, nothing after it (RFC 8949 section 5.3.1: a well-formed item stands
      // alone); trailing bytes would go unnoticed by the payload digest's readers.
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private Cbor() {}

  public static byte[] encode(JsonObject payload) {
    try {
      return MAPPER.writeValueAsBytes(plain(payload));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("payload cannot be encoded as CBOR", e);
    }
  }

  /**
   * The payload {@code cbor} encodes: one CBOR map (RFC 8949) and nothing after it; anything
   * else (another type, null, trailing bytes, malformed CBOR) is IllegalArgumentException.
   */
  @SuppressWarnings("unchecked")
  public static JsonObject decode(byte[] cbor) {
    Map<String, Object> map;
    try {
      map = MAPPER.readValue(cbor, LinkedHashMap.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("payload is not valid CBOR", e);
    }
    if (map == null) {
      throw new IllegalArgumentException("payload is not a CBOR map");
    }
    return new JsonObject(map);
  }

  /** Vert.x JSON values to plain maps and lists that Jackson serializes without help. */
  static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      value = o.getMap();
    } else if (value instanceof JsonArray a) {
      value = a.getList();
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(plain(v)));
      return out;
    }
    return value;
  }
}
