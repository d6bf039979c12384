package io.artifactstore.storage;

/**
 * The space of a backend's store, in bytes, as its filesystem reports it.
 *
 * @param freeBytes bytes this process may still write
 * @param usedBytes bytes in use, by anything on that filesystem
 */
public record SpaceStat(long freeBytes, long usedBytes) {}
