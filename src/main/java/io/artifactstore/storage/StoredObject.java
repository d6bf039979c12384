package io.artifactstore.storage;

import java.time.Instant;

/**
 * An object a backend holds under a content address, as an inventory lists it.
 *
 * @param key its content address
 * @param size its size in bytes, or -1 when the listing cannot tell (an S3 pointer object)
 * @param modified when it was last written or moved into place
 */
public record StoredObject(BlobKey key, long size, Instant modified) {}
