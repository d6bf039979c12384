package io.artifactstore.storage.s3;

import io.artifactstore.storage.BlobKey;
import io.artifactstore.storage.StoredObject;
import io.artifactstore.storage.TemporaryUpload;
import io.vertx.core.Future;
import io.artifactstore.storage.StorageException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What an s3 backend holds, from the bucket's listings: objects under the content-address
 * prefix (ListObjectsV2, which returns keys in order) and multipart uploads not completed or
 * aborted (ListMultipartUploads). A content address holding a pointer to a data object is
 * listed with an unknown size (-1): the listing shows the pointer's own empty body.
 * Data objects that no pointer names are temporaries (a commit that did not finish).
 */
final class S3Inventory {

  private static final String UPLOAD_ID = "?uploadId=";

  private final S3Backend backend;

  S3Inventory(S3Backend backend) {
    this.backend = backend;
  }

  Future<List<StoredObject>> list(BlobKey after, int limit) {
    String prefix = backend.options().prefix() + BlobKey.SHA256 + "/";
    String start = after == null ? null : backend.objectKey(after);
    return backend.call("list " + prefix, () -> backend.client().listObjectsV2(b -> {
      b.bucket(backend.options().bucket()).prefix(prefix).maxKeys(Math.min(limit, 1000));
      if (start != null) {
        b.startAfter(start);
      }
    })).map(this::objects);
  }

  private List<StoredObject> objects(ListObjectsV2Response page) {
    List<StoredObject> out = new ArrayList<>();
    for (S3Object o : page.contents()) {
      String relative = o.key().substring(backend.options().prefix().length());
      BlobKey key;
      try {
        key = BlobKey.fromRelativePath(relative);
      } catch (IllegalArgumentException notAnObject) {
        continue;
      }
      long size = o.size() == null || o.size() == 0 ? -1 : o.size();
      out.add(new StoredObject(key, size, o.lastModified()));
    }
    return out;
  }

  /**
   * Multipart uploads never completed or aborted (id {@code key?uploadId=id}), and data objects
   * no pointer names (id: the data object's key), left by a crash between completing a
   * multipart upload and writing its pointer. Reads every pointer's metadata (one HEAD each):
   * cost grows with the number of large blobs.
   */
  Future<List<TemporaryUpload>> temporaries() {
    List<TemporaryUpload> out = new ArrayList<>();
    return multipartUploads(null, null, out)
        .compose(v -> referencedDataKeys(null, new HashSet<>()))
        .compose(referenced -> unreferencedData(null, referenced, out))
        .map(v -> out);
  }

  private Future<Void> multipartUploads(String keyMarker, String uploadIdMarker,
      List<TemporaryUpload> out) {
    return backend.call("list multipart uploads", () -> backend.client()
            .listMultipartUploads(b -> b.bucket(backend.options().bucket())
                .prefix(backend.options().prefix()).keyMarker(keyMarker)
                .uploadIdMarker(uploadIdMarker)))
        .compose(r -> {
          for (MultipartUpload u : r.uploads()) {
            out.add(new TemporaryUpload(u.key() + UPLOAD_ID + u.uploadId(), -1,
                u.initiated()));
          }
          return Boolean.TRUE.equals(r.isTruncated()) && !r.uploads().isEmpty()
              ? multipartUploads(r.nextKeyMarker(), r.nextUploadIdMarker(), out)
              : Future.succeededFuture();
        });
  }

  /** The data object keys named by the pointers (empty objects) under the content addresses. */
  private Future<Set<String>> referencedDataKeys(String token, Set<String> into) {
    String prefix = backend.options().prefix() + BlobKey.SHA256 + "/";
    return backend.call("list " + prefix, () -> backend.client().listObjectsV2(b ->
            b.bucket(backend.options().bucket()).prefix(prefix).continuationToken(token)))
        .compose(page -> {
          Future<Void> heads = Future.succeededFuture();
          for (S3Object o : page.contents()) {
            if (o.size() != null && o.size() == 0) {
              heads = heads.compose(v -> backend.call("head " + o.key(), () -> backend.client()
                      .headObject(b -> b.bucket(backend.options().bucket()).key(o.key())))
                  .map(head -> {
                    String dataKey = head.metadata().get(S3Backend.META_DATA_KEY);
                    if (dataKey != null) {
                      into.add(backend.dataObjectKey(dataKey.trim()));
                    }
                    return (Void) null;
                  })
                  // Removed since the listing: it names nothing any more.
                  .recover(e -> e instanceof StorageException se
                      && se.kind() == StorageException.Kind.NOT_FOUND
                      ? Future.succeededFuture() : Future.failedFuture(e)));
            }
          }
          return heads.compose(v -> Boolean.TRUE.equals(page.isTruncated())
              ? referencedDataKeys(page.nextContinuationToken(), into)
              : Future.succeededFuture(into));
        });
  }

  private Future<Void> unreferencedData(String token, Set<String> referenced,
      List<TemporaryUpload> out) {
    String prefix = backend.options().prefix() + S3Backend.OBJECTS;
    return backend.call("list " + prefix, () -> backend.client().listObjectsV2(b ->
            b.bucket(backend.options().bucket()).prefix(prefix).continuationToken(token)))
        .compose(page -> {
          for (S3Object o : page.contents()) {
            if (!referenced.contains(o.key())) {
              out.add(new TemporaryUpload(o.key(), o.size() == null ? -1 : o.size(),
                  o.lastModified()));
            }
          }
          return Boolean.TRUE.equals(page.isTruncated())
              ? unreferencedData(page.nextContinuationToken(), referenced, out)
              : Future.succeededFuture();
        });
  }

  /**
   * Aborts the multipart upload named {@code key?uploadId=id}, or deletes the unreferenced data
   * object named by its key.
   */
  Future<Boolean> remove(String id) {
    int q = id.indexOf(UPLOAD_ID);
    if (q < 0) {
      if (!id.startsWith(backend.options().prefix() + S3Backend.OBJECTS)) {
        return Future.failedFuture(new IllegalArgumentException("not a temporary: " + id));
      }
      return backend.deleteObject(id).map(true);
    }
    String key = id.substring(0, q);
    String uploadId = id.substring(q + UPLOAD_ID.length());
    return backend.call("abort " + key, () -> backend.client().abortMultipartUpload(b -> b
            .bucket(backend.options().bucket()).key(key).uploadId(uploadId)))
        .map(r -> true);
  }
}
