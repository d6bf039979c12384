package io.artifactstore.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.artifactstore.config.AppConfig;
import io.artifactstore.error.ApiException;
import io.artifactstore.error.ErrorCode;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing (Jazzer) of logical paths as they come in URLs: whatever the input,
 * an accepted path is relative, has no empty, {@code .} or {@code ..} segment, no backslash or
 * control character, stays within the limits and is accepted again as it is; everything else
 * is {@code invalid_path}.
 */
class LogicalPathFuzzTest {

  private static final AppConfig.Limits LIMITS = new AppConfig.Limits(1024, 32, 255, 65536, 0);

  @FuzzTest
  void fromUrl(FuzzedDataProvider data) {
    String raw = data.consumeRemainingAsString();
    String path;
    try {
      path = LogicalPath.fromUrl(raw, LIMITS);
    } catch (ApiException e) {
      assertEquals(ErrorCode.INVALID_PATH, e.code(), e.getMessage());
      return;
    }
    assertFalse(path.startsWith("/"), path);
    assertTrue(path.getBytes(StandardCharsets.UTF_8).length <= LIMITS.maxPathBytes());
    String[] segments = path.split("/", -1);
    assertTrue(segments.length <= LIMITS.maxPathDepth());
    for (String s : segments) {
      assertFalse(s.isEmpty() || s.equals(".") || s.equals(".."), path);
    }
    assertTrue(path.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\'), path);
    assertEquals(path, LogicalPath.validate(path, LIMITS), "a valid path stays valid");
  }
}
