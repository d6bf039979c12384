package io.artifactstore.storage;

/** What a backend knows about one stored object without reading it. */
public record BlobStat(BlobKey key, long size) {}
