/**
 * The local file cache of a remote store, a wrapper around it (not a partner of the LSM, which reads and
 * writes through the storage SPI and does not know whether a cache is there): {@link
 * io.aloft.engine.filecache.CachingFileSystem} wraps the remote primary store, writes new SST files to
 * remote and local disk at once, serves reads locally when it can, loads files that keep being read
 * remotely back in, and keeps its copies within the size and free-space limits with a pluggable
 * eviction policy. The files it hands out wrap the remote ones and see the cache only through the
 * narrow {@code LocalCopies} interface. The copy format is in {@code CacheFileFormat}; the user-facing
 * description is {@code docs/cache.md}.
 */
package io.aloft.engine.filecache;
