/**
 * The one door from the LSM to storage, and the local file cache behind it: {@link
 * io.aloft.engine.lsm.files.CachingFileSystem} wraps the remote primary store, writes new SST files to
 * remote and local disk at once, serves reads locally when it can, and keeps its copies within the size
 * and free-space limits with a pluggable eviction policy. The copy format is in {@code CacheFileFormat};
 * the user-facing description is {@code docs/cache.md}.
 */
package io.aloft.engine.lsm.files;
