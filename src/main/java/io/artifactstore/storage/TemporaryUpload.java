package io.artifactstore.storage;

import java.time.Instant;

/**
 * Data of an upload that has not been committed (a temporary file, an S3 multipart upload).
 *
 * @param id the backend's name for it, as {@link StorageBackend#removeTemporary} takes it
 * @param size bytes it holds, or -1 when unknown
 * @param modified when it was last written (for an S3 multipart upload, when it began)
 */
public record TemporaryUpload(String id, long size, Instant modified) {}
