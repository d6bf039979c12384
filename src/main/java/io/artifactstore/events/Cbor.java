package io.artifactstore.events;

import com.fasterxml.jackson.core.JsonProcessingException;
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
      .build();

  private Cbor() {}

  public static byte[] encode(JsonObject payload) {
    try {
      return MAPPER.writeValueAsBytes(plain(payload));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("payload cannot be encoded as CBOR", e);
    }
  }

  @SuppressWarnings("unchecked")
  public static JsonObject decode(byte[] cbor) {
    try {
      return new JsonObject(MAPPER.readValue(cbor, LinkedHashMap.class));
    } catch (IOException e) {
      throw new IllegalArgumentException("payload is not valid CBOR", e);
    }
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
