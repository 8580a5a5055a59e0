package io.aloft.engine.metrics;

import static io.aloft.engine.metrics.MetricSpec.counter;
import static io.aloft.engine.metrics.MetricSpec.gauge;
import static io.aloft.engine.metrics.MetricSpec.gaugeMax;
import static io.aloft.engine.metrics.MetricSpec.histogram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every metric Aloft publishes, in one table: {@code docs/metrics.md} is generated from it (see {@code
 * MetricCatalogTest}), and registries only create metrics listed here. Flink's names are those of
 * Flink 2.3's async execution controller, ForSt's file cache ({@code forst.fileCache.*}), ForSt's native
 * metrics ({@code rocksdb.*}, Flink's format for ForSt's properties and tickers) and Flink's task
 * metrics ({@code RestoreStateDurationMs}, …); a metric with a Flink name is published under both.
 */
public final class MetricCatalog {
  private MetricCatalog() {}

  private static final String COUNT = "1";
  private static final String BYTES = "bytes";
  private static final String NANOS = "nanoseconds";
  private static final String MILLIS = "milliseconds";

  // --- records and state requests (every backend) ------------------------------------------------

  public static final MetricSpec STATE_ACCESS_LATENCY =
      histogram("state.access-latency", NANOS,
          "Time from a state request's issue to its result: with async execution until the result is on"
              + " the task thread (waiting in a batch included), otherwise the call itself. Sampled: one"
              + " request in 16, each standing for 16: count and sum estimate all requests.", null);
  public static final MetricSpec RECORDS_IN =
      counter("records.in", COUNT, "Records (and timers) the processor ran its function on.", null);

  // --- async execution ---------------------------------------------------------------------------

  public static final MetricSpec IN_FLIGHT =
      gauge("async.in-flight-records", COUNT, "Records whose state requests or callbacks are not finished.",
          "numInFlightRecords");
  public static final MetricSpec MAX_IN_FLIGHT =
      gaugeMax("async.max-in-flight-records", COUNT, "The most records in flight at once so far.", null);
  public static final MetricSpec ACTIVE_BUFFER =
      gauge("async.active-buffer-size", COUNT, "State requests gathered for the next batch.", "activeBufferSize");
  public static final MetricSpec WAITING_RECORDS =
      gauge("async.waiting-records", COUNT,
          "Records queued behind an in-flight record of the same key (per-key order).", "blockingBufferSize");
  public static final MetricSpec BLOCKED_KEYS =
      gauge("async.blocked-keys", COUNT, "Keys with records queued behind their in-flight record.",
          "numBlockingKeys");
  public static final MetricSpec KEY_QUEUE_DEPTH =
      histogram("async.key-queue-depth", COUNT,
          "Records already queued for its key when a record had to queue (per-key queue depth).", null);
  public static final MetricSpec BATCHES =
      counter("async.batches", COUNT, "Batches of state requests sent to the backend.", null);
  public static final MetricSpec BATCH_SIZE =
      histogram("async.batch-size", COUNT, "State requests per batch sent to the backend.", null);

  // --- forst: the LSM tree -----------------------------------------------------------------------

  public static final MetricSpec FLUSHES = counter("forst.flushes", COUNT, "Memtables flushed to SST files.", null);
  public static final MetricSpec COMPACTIONS = counter("forst.compactions", COUNT, "Compactions finished.", null);
  public static final MetricSpec BYTES_FLUSHED =
      counter("forst.bytes-flushed", BYTES, "Bytes of SST files written by flushes.", "rocksdb.flush_write_bytes");
  public static final MetricSpec BYTES_COMPACTED =
      counter("forst.bytes-compacted", BYTES, "Bytes of SST files written by compactions.",
          "rocksdb.compact_write_bytes");
  public static final MetricSpec WRITE_STALLS =
      counter("forst.write-stalls", COUNT, "Writes that waited for a flush or compaction.", null);
  public static final MetricSpec WRITE_STALL_NANOS =
      counter("forst.write-stall-nanos", NANOS, "Time writes waited for a flush or compaction.", null);
  public static final MetricSpec LEVEL0_FILES =
      gauge("forst.level0-files", COUNT, "SST files in level 0 now.", "rocksdb.num-files-at-level0");
  public static final MetricSpec LIVE_FILES = gauge("forst.live-files", COUNT, "SST files the tree holds now.", null);
  public static final MetricSpec LIVE_BYTES =
      gauge("forst.live-bytes", BYTES, "Bytes of the SST files the tree holds now.", "rocksdb.live-sst-files-size");
  public static final MetricSpec COMPACTION_DEBT =
      gauge("forst.compaction-debt-bytes", BYTES,
          "Bytes compaction must rewrite to bring every level within its target (level 0: all of it once it"
              + " reaches its trigger).", "rocksdb.estimate-pending-compaction-bytes");
  public static final MetricSpec SST_READS =
      counter("forst.sst-read-requests", COUNT,
          "Reads of SST files the tree issued (tails and data blocks the block cache lacked), before the file"
              + " cache.", null);
  public static final MetricSpec BLOCK_CACHE_HITS =
      counter("forst.block-cache.hits", COUNT, "Block-cache lookups that found the block.", "rocksdb.block_cache_hit");
  public static final MetricSpec BLOCK_CACHE_MISSES =
      counter("forst.block-cache.misses", COUNT, "Block-cache lookups that read the block from its file.",
          "rocksdb.block_cache_miss");

  // --- forst: requests to the primary store, by operation ------------------------------------------

  public static final MetricSpec REMOTE_READS =
      counter("forst.remote.requests.read", COUNT,
          "Reads that reached the primary store's file system (below the file cache; load-backs included)."
              + " This and the other forst.remote metrics count everything the backend sends to that store's"
              + " scheme: its own files, restored files read in place, checkpoint copies and deletes.", null);
  public static final MetricSpec REMOTE_WRITES =
      counter("forst.remote.requests.write", COUNT, "Files written to the primary store.", null);
  public static final MetricSpec REMOTE_DELETES =
      counter("forst.remote.requests.delete", COUNT, "Files deleted from the primary store.", null);
  public static final MetricSpec REMOTE_LISTS =
      counter("forst.remote.requests.list", COUNT, "Directory listings of the primary store.", null);
  public static final MetricSpec REMOTE_COPIES =
      counter("forst.remote.requests.copy", COUNT, "Server-side copies in the primary store (checkpoint copies).", null);
  public static final MetricSpec REMOTE_BYTES_READ =
      counter("forst.remote.bytes.read", BYTES, "Bytes read from the primary store.", null);
  public static final MetricSpec REMOTE_BYTES_WRITTEN =
      counter("forst.remote.bytes.written", BYTES, "Bytes written to the primary store.", null);

  /** Requests the provider itself counts, {@code forst.storage.requests.<operation>} (S3: GetObject, …). */
  public static final String STORAGE_REQUESTS_PREFIX = "forst.storage.requests.";

  // --- forst: the local file cache ---------------------------------------------------------------

  public static final MetricSpec CACHE_HITS =
      counter("forst.cache.hits", COUNT, "Reads served by the local file cache.", "forst.fileCache.hit");
  public static final MetricSpec CACHE_MISSES =
      counter("forst.cache.misses", COUNT, "Reads of files the cache does not hold.", "forst.fileCache.miss");
  public static final MetricSpec CACHE_EVICTIONS =
      counter("forst.cache.evictions", COUNT, "Files evicted from the cache.", "forst.fileCache.lru.evict");
  public static final MetricSpec CACHE_LOAD_BACKS =
      counter("forst.cache.load-backs", COUNT, "Remote files copied back into the cache.", "forst.fileCache.lru.loadback");
  public static final MetricSpec CACHE_BYTES_USED =
      gauge("forst.cache.bytes-used", BYTES, "Bytes of the cache's files on local disk.", "forst.fileCache.usedBytes");
  public static final MetricSpec CACHE_FILES =
      gauge("forst.cache.files-cached", COUNT, "Files the cache holds.", null);
  public static final MetricSpec CACHE_REMOTE_READS =
      counter("forst.cache.remote-read-requests", COUNT,
          "Reads the file cache passed to the remote store (files it does not hold).", null);
  public static final MetricSpec CACHE_REMOTE_BYTES =
      counter("forst.cache.remote-bytes-read", BYTES, "Bytes the cache read from the remote store.", null);
  public static final MetricSpec CACHE_CORRUPT =
      counter("forst.cache.corrupt-copies-dropped", COUNT, "Cached copies dropped because their checksum failed.", null);
  public static final MetricSpec CACHE_NOT_CACHED =
      counter("forst.cache.copies-not-cached", COUNT, "New files not kept in the cache (no room).", null);
  public static final MetricSpec CACHE_LOAD_BACKS_REFUSED =
      counter("forst.cache.load-backs-refused", COUNT, "Load-backs the policy's admission refused.", null);

  // --- checkpoints and restore -------------------------------------------------------------------

  public static final MetricSpec CHECKPOINTS =
      new MetricSpec("checkpoint.completed", MetricSpec.Kind.COUNTER, COUNT,
          "Checkpoints this instance took (a job: each of its checkpoints once).", "numberOfCompletedCheckpoints",
          MetricSpec.JobValue.MAX);
  public static final MetricSpec CHECKPOINT_DURATION =
      histogram("checkpoint.duration", MILLIS, "Time to take a checkpoint (drain, flush, part written).", null);
  public static final MetricSpec CHECKPOINT_LAST_DURATION =
      gaugeMax("checkpoint.last-duration", MILLIS, "Time the last checkpoint took.", "lastCheckpointDuration");
  public static final MetricSpec CHECKPOINT_LAST_SIZE =
      gauge("checkpoint.last-size", BYTES,
          "Bytes the last checkpoint wrote: memtables flushed, files copied, the part.", "lastCheckpointSize");
  public static final MetricSpec CHECKPOINT_BYTES =
      counter("checkpoint.bytes-written", BYTES, "Bytes all checkpoints wrote.", null);
  public static final MetricSpec CHECKPOINT_RETAINED =
      gaugeMax("checkpoint.retained", COUNT, "Checkpoints this run retains (its own and those a restore took over).",
          null);
  public static final MetricSpec CHECKPOINT_CLEANUP_FAILURES =
      counter("checkpoint.cleanup-failures", COUNT,
          "Discards a storage error interrupted (each retried by the next checkpoint).", null);
  public static final MetricSpec CHECKPOINT_FENCED =
      gaugeMax("checkpoint.fenced", COUNT, "1 once a restore has taken this run's key groups over.", null);
  public static final MetricSpec RESTORE_DURATION =
      gaugeMax("restore.duration", MILLIS,
          "Time the restore took: reading the checkpoint, checking its files, opening the backend.",
          "RestoreStateDurationMs");
  public static final MetricSpec RESTORE_SIZE =
      gauge("restore.size", BYTES, "Bytes of the files the restored parts list.", "RestoredStateSizeBytes");

  // --- jobs --------------------------------------------------------------------------------------

  public static final MetricSpec JOB_QUEUED =
      gauge("job.queued-records", COUNT, "Records routed to subtasks and waiting in their queues.", null);

  /** Every metric, in the order of the documentation table. */
  public static List<MetricSpec> all() {
    return List.of(
        RECORDS_IN, STATE_ACCESS_LATENCY,
        IN_FLIGHT, MAX_IN_FLIGHT, ACTIVE_BUFFER, WAITING_RECORDS, BLOCKED_KEYS, KEY_QUEUE_DEPTH, BATCHES, BATCH_SIZE,
        FLUSHES, COMPACTIONS, BYTES_FLUSHED, BYTES_COMPACTED, WRITE_STALLS, WRITE_STALL_NANOS, LEVEL0_FILES,
        LIVE_FILES, LIVE_BYTES, COMPACTION_DEBT, SST_READS, BLOCK_CACHE_HITS, BLOCK_CACHE_MISSES,
        REMOTE_READS, REMOTE_WRITES, REMOTE_DELETES, REMOTE_LISTS, REMOTE_COPIES, REMOTE_BYTES_READ,
        REMOTE_BYTES_WRITTEN,
        CACHE_HITS, CACHE_MISSES, CACHE_EVICTIONS, CACHE_LOAD_BACKS, CACHE_BYTES_USED, CACHE_FILES,
        CACHE_REMOTE_READS, CACHE_REMOTE_BYTES, CACHE_CORRUPT, CACHE_NOT_CACHED, CACHE_LOAD_BACKS_REFUSED,
        CHECKPOINTS, CHECKPOINT_DURATION, CHECKPOINT_LAST_DURATION, CHECKPOINT_LAST_SIZE, CHECKPOINT_BYTES,
        CHECKPOINT_RETAINED, CHECKPOINT_CLEANUP_FAILURES, CHECKPOINT_FENCED, RESTORE_DURATION, RESTORE_SIZE,
        JOB_QUEUED);
  }

  private static final Map<String, MetricSpec> BY_NAME = new LinkedHashMap<>();

  static {
    for (MetricSpec spec : all()) {
      BY_NAME.put(spec.name(), spec);
    }
  }

  /**
   * The spec of {@code name}: a listed metric, or a provider's request count (the provider's file
   * system is one per scheme in the JVM, so every processor on it reports the same count: a job takes
   * the largest, not the sum); null otherwise.
   */
  public static MetricSpec byName(String name) {
    MetricSpec spec = BY_NAME.get(name);
    if (spec == null && name.startsWith(STORAGE_REQUESTS_PREFIX)) {
      return new MetricSpec(name, MetricSpec.Kind.COUNTER, COUNT,
          "Requests of this operation the primary store's provider sent (all users of that store in the"
              + " JVM), every attempt counted.", null, MetricSpec.JobValue.MAX);
    }
    return spec;
  }
}
