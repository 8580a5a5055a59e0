package io.aloft.engine.filecache;

/**
 * What the local file cache has done since it opened. Reads are counted per read request (a positional
 * read or a tail read) of a cacheable file.
 *
 * @param hits read requests served from a local copy
 * @param misses read requests served by the remote store (the file was not cached, or its copy was
 *     found damaged)
 * @param evictions local copies deleted to respect a limit (the remote file stays)
 * @param loadBacks files copied from the remote store into the cache after repeated misses
 * @param bytesUsed local disk the cached files take now, trailers included
 * @param filesCached files cached now
 * @param remoteReadRequests read requests sent to the remote store (misses and load-back reads)
 * @param remoteBytesRead bytes read from the remote store (misses and load-backs)
 * @param corruptCopiesDropped local copies found truncated or damaged (on reading, or when a restart
 *     found them) and deleted; their reads went to the remote store
 * @param copiesNotCached new files and load-backs left uncached: no room under the limits, or a local
 *     write failed
 * @param loadBacksRefused load-backs the policy did not admit over the file they would have evicted
 */
public record FileCacheMetrics(
    long hits,
    long misses,
    long evictions,
    long loadBacks,
    long bytesUsed,
    long filesCached,
    long remoteReadRequests,
    long remoteBytesRead,
    long corruptCopiesDropped,
    long copiesNotCached,
    long loadBacksRefused) {

  /** Each counter by its exported name (the README's metrics section lists them), after {@code prefix}. */
  public void export(String prefix, java.util.function.BiConsumer<String, Long> to) {
    to.accept(prefix + "hits", hits);
    to.accept(prefix + "misses", misses);
    to.accept(prefix + "evictions", evictions);
    to.accept(prefix + "load-backs", loadBacks);
    to.accept(prefix + "bytes-used", bytesUsed);
    to.accept(prefix + "files-cached", filesCached);
    to.accept(prefix + "remote-read-requests", remoteReadRequests);
    to.accept(prefix + "remote-bytes-read", remoteBytesRead);
    to.accept(prefix + "corrupt-copies-dropped", corruptCopiesDropped);
    to.accept(prefix + "copies-not-cached", copiesNotCached);
    to.accept(prefix + "load-backs-refused", loadBacksRefused);
  }
}
