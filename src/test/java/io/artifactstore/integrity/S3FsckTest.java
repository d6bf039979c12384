package io.artifactstore.integrity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.artifactstore.support.TestS3;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * fsck of an s3 backend: besides objects, an unfinished multipart upload and a data object no
 * pointer names (a commit cut short) are the temporaries.
 */
@DisplayName("fsck of an s3 backend")
class S3FsckTest extends FsckContract {

  private String bucket;

  @Override
  void configure(JsonObject json) {
    JsonObject s3 = TestS3.get().backendOptions().put("part_size_bytes", 5 * 1024 * 1024);
    bucket = s3.getString("bucket");
    json.getJsonObject("storage").put("default_backend", "s3")
        .getJsonObject("backends").put("s3", s3);
  }

  @Override
  void plant(String relativePath, byte[] bytes) {
    TestS3.get().client().putObject(b -> b.bucket(bucket).key(relativePath),
        AsyncRequestBody.fromBytes(bytes)).join();
  }

  @Override
  void remove(String relativePath) {
    TestS3.get().client().deleteObject(b -> b.bucket(bucket).key(relativePath)).join();
  }

  @Override
  boolean holds(String relativePath) {
    try {
      TestS3.get().client().headObject(b -> b.bucket(bucket).key(relativePath)).join();
      return true;
    } catch (CompletionException e) {
      if (e.getCause() instanceof NoSuchKeyException
          || e.getCause().getClass().getSimpleName().contains("NoSuchKey")
          || e.getCause().getMessage().contains("404")) {
        return false;
      }
      throw e;
    }
  }

  @Override
  void plantTemporary() {
    TestS3.get().client().createMultipartUpload(b -> b.bucket(bucket)
        .key("objects/left-by-a-crash")).join();
  }

  @Override
  int temporaries() {
    return TestS3.get().pendingUploads(bucket).size();
  }

  @Test
  @DisplayName("a data object no pointer names is a temporary: reported, removed by repair; a large blob's data is kept")
  void unreferencedDataObject() throws Exception {
    String id = createPackage();
    byte[] large = random(6 * 1024 * 1024, 8);
    assertEquals(201, http.put("/v1/packages/" + id + "/files/large.bin", large).status());
    int dataObjects = TestS3.get().keys(bucket, "objects/").size();
    assertEquals(1, dataObjects, "the large blob is a pointer and a data object");
    plant("objects/3f1c2d4e-commit-cut-short", random(100, 9));

    JsonObject reported = ours(fsck("?grace=PT0S"));
    JsonObject found = reported.getJsonObject("temporaries");
    assertEquals(1, found.getLong("count"), reported.encode());
    assertEquals("objects/3f1c2d4e-commit-cut-short",
        found.getJsonArray("listed").getJsonObject(0).getString("id"));

    JsonObject repaired = ours(fsck("?grace=PT0S&repair=true"));
    assertTrue(repaired.getBoolean("clean"), repaired.encode());
    assertFalse(holds("objects/3f1c2d4e-commit-cut-short"));
    assertEquals(1, TestS3.get().keys(bucket, "objects/").size());
    assertArrayEquals(large, http.get("/v1/packages/" + id + "/files/large.bin").body());
  }

  @Override
  String backend() {
    return "s3";
  }
}
