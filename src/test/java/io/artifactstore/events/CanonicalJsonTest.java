package io.artifactstore.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Canonical JSON is RFC 8785 (JCS), checked with the RFC's own examples. */
class CanonicalJsonTest {

  @Test
  @DisplayName("RFC 8785 section 3.2.2: literals, numbers and string escapes")
  void rfcPrimitives() {
    String input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50,\n"
        + "              2e-3, 0.000000000000000000000000001],\n"
        + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
        + "  \"literals\": [null, true, false]\n}";
    assertEquals("{\"literals\":[null,true,false],"
            + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
        CanonicalJson.encode(new JsonObject(input)));
  }

  @Test
  @DisplayName("RFC 8785 section 3.2.3: member names sort by UTF-16 code units")
  void rfcSorting() {
    String input = "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\","
        + " \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\","
        + " \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\","
        + " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}";
    assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
            + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
            + "\"\ud83d\ude00\":\"Emoji: Grinning Face\","
            + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
        CanonicalJson.encode(new JsonObject(input)));
  }

  @Test
  @DisplayName("one number, one spelling: 1e2, 100.0 and 100 canonicalize alike")
  void numbersHaveOneSpelling() {
    assertEquals("{\"a\":100,\"b\":100,\"c\":100,\"d\":-0.5,\"e\":0}",
        CanonicalJson.encode(new JsonObject("{\"c\":100,\"b\":100.0,\"a\":1e2,\"d\":-5E-1,\"e\":-0}")));
  }

  @Test
  @DisplayName("integers beyond 2^53 are refused where values must not change")
  void unsafeIntegers() {
    CanonicalJson.requireIJsonNumbers(new JsonObject("{\"n\":9007199254740991}"));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.requireIJsonNumbers(
        new JsonObject("{\"n\":[9007199254740993]}")));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.requireIJsonNumbers(
        new JsonObject("{\"n\":{\"m\":123456789012345678901234567890}}")));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.requireIJsonNumbers(
        new JsonObject("{\"n\":-9223372036854775808}")), "Long.MIN_VALUE");
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.requireIJsonNumbers(
        new JsonObject().put("n", new java.math.BigDecimal("9007199254740993.0"))),
        "a decimal a double cannot hold");
    CanonicalJson.requireIJsonNumbers(new JsonObject().put("n", new java.math.BigDecimal("0.1")));
    CanonicalJson.requireIJsonNumbers(new JsonObject("{\"n\":-9007199254740991,\"d\":1.5e300}"));
  }
}
