package io.artifactstore.storage.s3;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Copies one object to another key inside the bucket without the bytes passing through this
 * process: one CopyObject up to the threshold (S3 allows 5 GiB), above it a multipart upload
 * whose parts are UploadPartCopy byte ranges, {@code max_inflight_parts} at a time. A failed
 * multipart copy is aborted.
 */
final class ServerSideCopy {

  private ServerSideCopy() {}

  static Future<Void> copy(S3Backend backend, String source, String target, long size) {
    S3Options o = backend.options();
    if (size <= o.multipartCopyThresholdBytes()) {
      return backend.call("copy to " + target, () -> backend.client().copyObject(b -> b
          .sourceBucket(o.bucket()).sourceKey(source)
          .destinationBucket(o.bucket()).destinationKey(target))).mapEmpty();
    }
    return backend.call("start copy to " + target, () -> backend.client()
            .createMultipartUpload(b -> b.bucket(o.bucket()).key(target)))
        .map(r -> r.uploadId())
        .compose(uploadId -> copyParts(backend, source, target, size, uploadId)
            .compose(parts -> backend.call("complete copy to " + target,
                () -> backend.client().completeMultipartUpload(b -> b.bucket(o.bucket())
                    .key(target).uploadId(uploadId).multipartUpload(m -> m.parts(parts)))))
            .<Void>mapEmpty()
            .recover(t -> backend.call("abort copy to " + target,
                    () -> backend.client().abortMultipartUpload(b -> b.bucket(o.bucket())
                        .key(target).uploadId(uploadId)))
                .transform(ignored -> Future.failedFuture(t))));
  }

  /** Copies the ranges with bounded concurrency; completes with the parts in order. */
  private static Future<List<CompletedPart>> copyParts(S3Backend backend, String source,
      String target, long size, String uploadId) {
    S3Options o = backend.options();
    long pieceSize = o.copyPartSizeBytes();
    int count = (int) ((size + pieceSize - 1) / pieceSize);
    List<CompletedPart> done = new ArrayList<>();
    Promise<List<CompletedPart>> result = Promise.promise();
    int[] next = {0};
    int[] running = {0};
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      while (!result.future().isComplete() && running[0] < o.maxInflightParts() && next[0] < count) {
        int index = next[0]++;
        long first = index * pieceSize;
        long last = Math.min(size, first + pieceSize) - 1;
        int partNumber = index + 1;
        running[0]++;
        backend.call("copy part " + partNumber + " to " + target,
                () -> backend.client().uploadPartCopy(b -> b
                    .sourceBucket(o.bucket()).sourceKey(source)
                    .destinationBucket(o.bucket()).destinationKey(target)
                    .uploadId(uploadId).partNumber(partNumber)
                    .copySourceRange("bytes=" + first + "-" + last)))
            .onComplete(ar -> {
              running[0]--;
              if (ar.failed()) {
                result.tryFail(ar.cause());
                return;
              }
              done.add(CompletedPart.builder().partNumber(partNumber)
                  .eTag(ar.result().copyPartResult().eTag()).build());
              if (done.size() == count) {
                done.sort(Comparator.comparing(CompletedPart::partNumber));
                result.tryComplete(done);
              } else {
                launch[0].run();
              }
            });
      }
    };
    launch[0].run();
    return result.future();
  }
}
