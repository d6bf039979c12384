package io.artifactstore.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.storage.StorageBackendFactory;
import io.artifactstore.storage.StorageBackends;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class S3OptionsTest {

  private static JsonObject valid() {
    return new JsonObject().put("type", "s3").put("endpoint", "http://127.0.0.1:9000")
        .put("bucket", "artifacts").put("access_key_id", "AKIAEXAMPLE")
        .put("secret_access_key", "s3cr3t-value");
  }

  private static String failure(JsonObject options) {
    return assertThrows(IllegalArgumentException.class, () -> S3Options.parse("blobs", options))
        .getMessage();
  }

  @Test
  @DisplayName("defaults apply to every option left out")
  void defaults() {
    S3Options o = S3Options.parse("blobs", valid());
    assertEquals("us-east-1", o.region());
    assertEquals("", o.prefix());
    assertTrue(o.pathStyle());
    assertFalse(o.defaultCredentials());
    assertFalse(o.checksumWhenRequired());
    assertEquals(16 * 1024 * 1024, o.partSizeBytes());
    assertEquals(4, o.maxInflightParts());
    assertEquals(0, o.apiCallTimeoutMs());
  }

  @Test
  @DisplayName("values from environment variables arrive as strings and are accepted")
  void stringValues() {
    S3Options o = S3Options.parse("blobs", valid().put("path_style", "false")
        .put("part_size_bytes", "5242880").put("max_inflight_parts", " 8 ")
        .put("checksum_mode", "WHEN_REQUIRED").put("prefix", "/a/b/"));
    assertFalse(o.pathStyle());
    assertEquals(5 * 1024 * 1024, o.partSizeBytes());
    assertEquals(8, o.maxInflightParts());
    assertTrue(o.checksumWhenRequired());
    assertEquals("a/b/", o.prefix());
  }

  @Test
  @DisplayName("the SDK's default credential chain takes no keys, and AWS needs no endpoint")
  void defaultChain() {
    S3Options o = S3Options.parse("blobs", new JsonObject().put("type", "s3")
        .put("bucket", "artifacts").put("credentials", "default").put("region", "eu-west-1"));
    assertTrue(o.defaultCredentials());
    assertNull(o.endpoint());
    assertTrue(failure(valid().put("credentials", "default"))
        .startsWith("storage.backends.blobs.credentials: "));
  }

  @Test
  @DisplayName("every invalid option fails with a message that starts with its key")
  void invalidOptionsNameTheKey() {
    String[][] cases = {
        {"bucket", null},
        {"bucket", "ab"},
        {"bucket", "Not_A_Bucket"},
        {"endpoint", "ftp://host"},
        {"endpoint", "not a url"},
        {"access_key_id", null},
        {"secret_access_key", null},
        {"credentials", "instance"},
        {"checksum_mode", "always"},
        {"part_size_bytes", "1048576"},
        {"part_size_bytes", "lots"},
        {"max_inflight_parts", "0"},
        {"connect_timeout_ms", "-1"},
        {"max_connections", "0"},
        {"path_style", "yes"},
        {"region", " "},
        {"prefix", "a//b"},
        {"colour", "blue"},
    };
    for (String[] c : cases) {
      JsonObject options = valid();
      if (c[1] == null) {
        options.remove(c[0]);
      } else {
        options.put(c[0], c[1]);
      }
      String message = failure(options);
      assertTrue(message.startsWith("storage.backends.blobs." + c[0] + ": "), c[0] + " -> " + message);
      assertFalse(message.contains("s3cr3t-value"), message);
    }
  }

  @Test
  @DisplayName("credentials appear neither in toString nor in the endpoint error")
  void noCredentialsInText() {
    S3Options o = S3Options.parse("blobs", valid());
    assertFalse(o.toString().contains("s3cr3t-value"), o.toString());
    assertFalse(o.toString().contains("AKIAEXAMPLE"), o.toString());
    String message = failure(valid().put("endpoint", "ftp://user:s3cr3t-value@host"));
    assertFalse(message.contains("s3cr3t-value"), message);
  }

  @Test
  @DisplayName("the s3 type is found through the service loader and its errors name the key")
  void factoryThroughServiceLoader() {
    StorageBackendFactory factory = StorageBackends.factories().get("s3");
    assertTrue(factory instanceof S3BackendFactory);
    Vertx vertx = Vertx.vertx();
    try {
      Throwable t = StorageBackends.create(vertx, "blobs",
              new JsonObject().put("blobs", valid().put("max_inflight_parts", 100)))
          .toCompletionStage().toCompletableFuture().handle((r, e) -> e).join();
      assertTrue(t instanceof IllegalArgumentException, String.valueOf(t));
      assertTrue(t.getMessage().startsWith("storage.backends.blobs.max_inflight_parts: "),
          t.getMessage());
    } finally {
      vertx.close().await();
    }
  }
}
