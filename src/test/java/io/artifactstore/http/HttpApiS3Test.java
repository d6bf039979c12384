package io.artifactstore.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.Http;
import io.artifactstore.support.TestDatabases;
import io.artifactstore.support.TestS3;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The HTTP suite with an {@code s3} backend (on the test S3Proxy) as the default, with 5 MiB
 * parts so that the larger uploads of the suite are multipart uploads. Blobs and leftovers are
 * counted in the bucket.
 */
@DisplayName("HTTP API on SQLite with an s3 default backend")
class HttpApiS3Test extends HttpApiContract {

  private String bucket;

  @Override
  TestDatabases.Kind database() {
    return TestDatabases.Kind.SQLITE;
  }

  @Override
  void configure(JsonObject json) {
    JsonObject s3 = TestS3.get().backendOptions().put("part_size_bytes", 5 * 1024 * 1024);
    bucket = s3.getString("bucket");
    json.getJsonObject("storage").put("default_backend", "s3")
        .getJsonObject("backends").put("s3", s3);
  }

  @Override
  long blobCount() {
    return TestS3.get().keys(bucket, "sha256/").size();
  }

  @Override
  long uploadLeftovers() {
    return TestS3.get().keys(bucket, "_uploads/").size()
        + TestS3.get().pendingUploads(bucket).size();
  }

  @Test
  @DisplayName("uploads land in the bucket, multipart ones too, and nothing in the local folder")
  void uploadsGoToTheBucket() throws Exception {
    String id = createPackage();
    byte[] big = random(12 * 1024 * 1024 + 3, 30);
    Http.Response put = http.put("/v1/packages/" + id + "/files/big.bin", big);
    assertEquals(201, put.status(), put.text());
    assertTrue(TestS3.get().keys(bucket, "sha256/").contains(
        "sha256/" + sha256(big).substring(0, 2) + "/" + sha256(big).substring(2, 4) + "/"
            + sha256(big)));
    assertEquals(0, uploadLeftovers());
    Http.Response ranged = http.get("/v1/packages/" + id + "/files/big.bin",
        "Range", "bytes=5242870-5242889");
    assertEquals(206, ranged.status());
    assertArrayEquals(java.util.Arrays.copyOfRange(big, 5242870, 5242890), ranged.body());
    assertArrayEquals(big, http.get("/v1/packages/" + id + "/files/big.bin").body());
    Path local = dir.resolve("blobs").resolve("sha256");
    if (Files.exists(local)) {
      try (Stream<Path> files = Files.walk(local)) {
        assertFalse(files.anyMatch(Files::isRegularFile), "a blob was written locally");
      }
    }
    JsonObject health = http.get("/health").json();
    assertFalse(health.encode().contains(TestS3.SECRET_ACCESS_KEY), health.encode());
  }
}
