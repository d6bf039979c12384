package io.artifactstore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonObject;

/**
 * Coverage-guided fuzzing (Jazzer) of the CBOR decoding of event payloads: any bytes decode to
 * a JSON object or fail with IllegalArgumentException, and what decodes encodes and decodes back
 * to itself.
 */
class CborFuzzTest {

  @FuzzTest
  void decode(byte[] input) {
    JsonObject payload;
    try {
      payload = Cbor.decode(input);
    } catch (IllegalArgumentException notCbor) {
      return;
    }
    byte[] again;
    try {
      again = Cbor.encode(payload);
    } catch (IllegalArgumentException notEncodable) {
      // A CBOR value with no JSON form (a byte string key, say) decoded into Java objects that
      // JSON cannot carry: refused, not mangled.
      return;
    }
    assertEquals(payload, Cbor.decode(again));
  }
}
