package io.aloft.spi.fs;

/**
 * A file found by {@link StateFileSystem#list(Location)}.
 *
 * @param location the file
 * @param length its length in bytes
 */
public record FileEntry(Location location, long length) {}
