package io.artifactstore.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.artifactstore.config.AppConfig;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogicalPathTest {

  private static final AppConfig.Limits LIMITS = new AppConfig.Limits(64, 4, 16, 1000, 0);

  @Test
  @DisplayName("relative paths with ordinary, dotted and non-ASCII segments are kept as given")
  void valid() {
    for (String p : new String[] {"a", "a/b/c/d", "reports/run 1.html", ".hidden", "a/..b/c.",
        "ü/日本", "x-y_z~"}) {
      assertEquals(p, LogicalPath.validate(p, LIMITS));
    }
    assertEquals("a b/ü", LogicalPath.fromUrl("a%20b/%C3%BC", LIMITS));
  }

  @Test
  @DisplayName("absolute, dot segments, empty segments, backslashes, control characters and limits are refused")
  void invalid() {
    String[] bad = {"", "/a", "a/../b", "..", ".", "a/.", "a//b", "a/", "a\\b", "a\u0000b",
        "a\nb", "a\u007fb", "a\u0085b", "a/b/c/d/e", "x".repeat(17), "y/".repeat(20) + "z",
        "bad\ud800"};
    for (String p : bad) {
      ApiException e = assertThrows(ApiException.class, () -> LogicalPath.validate(p, LIMITS), p);
      assertEquals(ErrorCode.INVALID_PATH, e.code());
    }
    for (String raw : new String[] {"%2e%2e/x", "a%2F%2Fb", "%", "%4", "%zz", "%C3", "%FF"}) {
      ApiException e = assertThrows(ApiException.class, () -> LogicalPath.fromUrl(raw, LIMITS), raw);
      assertEquals(ErrorCode.INVALID_PATH, e.code());
    }
  }
}
