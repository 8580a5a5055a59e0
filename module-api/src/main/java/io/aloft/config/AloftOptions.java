package io.aloft.config;

import java.time.Duration;
import java.util.List;

/**
 * Every core configuration key of Aloft, with its default and meaning: one place, from which the table
 * in the README is generated (ConfigurationTableTest keeps the two equal). Storage providers declare
 * their own keys ({@code s3.*}, {@code gs.*}, …) beside their code.
 *
 * <p>Keys under {@code state.backend.forst.} are checked strictly: an unknown one is an error, because
 * a misspelt tuning key would otherwise be silently ignored.
 */
public final class AloftOptions {
  private AloftOptions() {}

  /** Prefix of the ForSt keys, all of which are checked strictly. */
  public static final String FORST_PREFIX = "state.backend.forst.";

  // --- backend and key groups -------------------------------------------------------------------

  public static final ConfigOption<String> STATE_BACKEND_TYPE =
      ConfigOption.string(
          "state.backend.type",
          "hashmap",
          "Which state backend keeps keyed state: hashmap (heap), forst (remote LSM) or rocksdb (local"
              + " LSM). The backend's module must be on the module path.");

  public static final ConfigOption<Integer> MAX_PARALLELISM =
      ConfigOption.integer(
          "pipeline.max-parallelism",
          128,
          1,
          32768,
          "Number of key groups, the unit of state partitioning and rescaling; the upper bound of"
              + " parallelism. A key's group is the murmur3 hash of its serialized bytes modulo this.");

  // --- checkpoints --------------------------------------------------------------------------------

  public static final ConfigOption<String> CHECKPOINTING_DIR =
      ConfigOption.string(
          "execution.checkpointing.dir",
          null,
          "Location of checkpoints (file://, s3://, gs://, abfs://, hdfs://). Required by forst.");

  public static final ConfigOption<Boolean> CHECKPOINTING_INCREMENTAL =
      ConfigOption.bool(
          "execution.checkpointing.incremental",
          true,
          "Checkpoints reference the state files already in checkpoint storage. False: every"
              + " checkpoint copies all of its files into its own directory (a full checkpoint).");

  public static final ConfigOption<Integer> CHECKPOINTING_NUM_RETAINED =
      ConfigOption.integer(
          "execution.checkpointing.num-retained",
          1,
          1,
          "Complete checkpoints (every instance's part written) kept; older ones are deleted with the"
              + " files no retained checkpoint and no running instance needs.");

  // --- async execution ----------------------------------------------------------------------------

  public static final ConfigOption<Integer> ASYNC_ACTIVE_BUFFER_SIZE =
      ConfigOption.integer(
          "execution.async-state.active-buffer-size",
          1000,
          1,
          "State requests gathered before they are sent to the backend as one batch.");

  public static final ConfigOption<Duration> ASYNC_ACTIVE_BUFFER_TIMEOUT =
      ConfigOption.duration(
          "execution.async-state.active-buffer-timeout",
          Duration.ofMillis(1000),
          "Longest time a state request waits in the active buffer before its batch is sent.");

  public static final ConfigOption<Integer> ASYNC_TOTAL_BUFFER_SIZE =
      ConfigOption.integer(
          "execution.async-state.total-buffer-size",
          6000,
          1,
          "Most records in flight at once; more input waits (back-pressure).");

  // --- ForSt engine -------------------------------------------------------------------------------

  public static final ConfigOption<String> FORST_PRIMARY_DIR =
      ConfigOption.string(
          FORST_PREFIX + "primary-dir",
          null,
          "Where ForSt writes its SST files. Default: a directory inside execution.checkpointing.dir,"
              + " so checkpoints reference files instead of copying them.");

  public static final ConfigOption<String> FORST_LOCAL_DIR =
      ConfigOption.string(
          FORST_PREFIX + "local-dir",
          null,
          "Local working directory for small metadata. Default: a directory under java.io.tmpdir.");

  public static final ConfigOption<MemorySize> FORST_WRITEBUFFER_SIZE =
      ConfigOption.memory(
          FORST_PREFIX + "writebuffer.size",
          MemorySize.ofMebiBytes(64),
          "Size of one memtable; a full memtable becomes immutable and is flushed to an SST file.");

  public static final ConfigOption<Integer> FORST_WRITEBUFFER_COUNT =
      ConfigOption.integer(
          FORST_PREFIX + "writebuffer.count",
          2,
          2,
          "Memtables (active plus immutable) held before writes wait for a flush.");

  public static final ConfigOption<MemorySize> FORST_BLOCK_SIZE =
      ConfigOption.memory(
          FORST_PREFIX + "block.blocksize",
          MemorySize.ofBytes(4096),
          "Uncompressed size of an SST data block: the unit of a remote read and of the block cache.");

  public static final ConfigOption<MemorySize> FORST_BLOCK_CACHE_SIZE =
      ConfigOption.memory(
          FORST_PREFIX + "block.cache-size",
          MemorySize.ofMebiBytes(8),
          "Capacity of the in-memory block cache, weighed by bytes.");

  public static final ConfigOption<Boolean> FORST_USE_BLOOM_FILTER =
      ConfigOption.bool(
          FORST_PREFIX + "use-bloom-filter",
          true,
          "Whether SST files carry a Bloom filter, so a get of an absent key skips the file.");

  public static final ConfigOption<Integer> FORST_BLOOM_BITS_PER_KEY =
      ConfigOption.integer(
          FORST_PREFIX + "bloom-filter.bits-per-key",
          10,
          1,
          "Bloom filter bits per key; 10 gives about 1% false positives.");

  public static final ConfigOption<MemorySize> FORST_TARGET_FILE_SIZE_BASE =
      ConfigOption.memory(
          FORST_PREFIX + "compaction.level.target-file-size-base",
          MemorySize.ofMebiBytes(64),
          "Target size of SST files written by compaction.");

  public static final ConfigOption<MemorySize> FORST_MAX_SIZE_LEVEL_BASE =
      ConfigOption.memory(
          FORST_PREFIX + "compaction.level.max-size-level-base",
          MemorySize.ofMebiBytes(256),
          "Size limit of level 1; each deeper level may be ten times larger.");

  public static final ConfigOption<String> FORST_COMPRESSION_PER_LEVEL =
      ConfigOption.string(
          FORST_PREFIX + "compression.per.level",
          "lz4",
          "Block compression per level, comma-separated (none, lz4, zstd); the last entry applies to"
              + " deeper levels.");

  public static final ConfigOption<Integer> FORST_THREAD_NUM =
      ConfigOption.integer(
          FORST_PREFIX + "thread.num",
          2,
          2,
          "Background threads: one flushes memtables, one compacts. Values above 2 are accepted but"
              + " give no more concurrency yet (one compaction runs at a time).");

  // --- local file cache ---------------------------------------------------------------------------

  public static final ConfigOption<String> FORST_CACHE_DIR =
      ConfigOption.string(
          FORST_PREFIX + "cache.dir",
          null,
          "Directory of the local file cache of remote SST files. Default: under the local dir.");

  public static final ConfigOption<MemorySize> FORST_CACHE_SIZE_LIMIT =
      ConfigOption.memory(
          FORST_PREFIX + "cache.size-based-limit",
          MemorySize.ofBytes(0),
          "Evict cached files when the cache exceeds this size; 0 turns the size limit off.");

  public static final ConfigOption<MemorySize> FORST_CACHE_RESERVE_SIZE =
      ConfigOption.memory(
          FORST_PREFIX + "cache.reserve-size",
          MemorySize.ofMebiBytes(256),
          "Evict cached files when free space on the cache's disk drops below this.");

  public static final ConfigOption<String> FORST_CACHE_POLICY =
      ConfigOption.string(
          FORST_PREFIX + "cache.policy",
          "lru",
          "File-cache eviction policy: lru (two-list LRU), tinylfu (Caffeine W-TinyLFU), or none (no"
              + " file cache: every read of an SST goes to the primary store).");

  /** The {@link #FORST_CACHE_POLICY} value that turns the file cache off. */
  public static final String FORST_CACHE_POLICY_NONE = "none";

  public static final ConfigOption<Integer> FORST_CACHE_LRU_ACCESS_BEFORE_PROMOTE =
      ConfigOption.integer(
          FORST_PREFIX + "cache.lru.access-before-promote",
          6,
          1,
          "Accesses after which a file moves from the probation list to the protected list.");

  public static final ConfigOption<Integer> FORST_CACHE_LRU_PROMOTE_LIMIT =
      ConfigOption.integer(
          FORST_PREFIX + "cache.lru.promote-limit",
          3,
          0,
          "Most files promoted to the protected list per eviction round.");

  // --- executor -----------------------------------------------------------------------------------

  public static final ConfigOption<String> FORST_EXECUTOR_STRATEGY =
      ConfigOption.string(
          FORST_PREFIX + "executor.strategy",
          "threads",
          "How state requests are executed: threads (coordinator, read and write pools), virtual"
              + " (virtual threads, Java 21+) or direct (on the caller).");

  public static final ConfigOption<Integer> FORST_EXECUTOR_READ_IO_PARALLELISM =
      ConfigOption.integer(
          FORST_PREFIX + "executor.read-io-parallelism", 3, 1, "Threads serving state reads.");

  public static final ConfigOption<Integer> FORST_EXECUTOR_WRITE_IO_PARALLELISM =
      ConfigOption.integer(
          FORST_PREFIX + "executor.write-io-parallelism", 1, 1, "Threads serving state writes.");

  public static final ConfigOption<Boolean> FORST_EXECUTOR_INLINE_WRITE =
      ConfigOption.bool(
          FORST_PREFIX + "executor.inline-write", true, "Run writes on the coordinator thread.");

  public static final ConfigOption<Boolean> FORST_EXECUTOR_INLINE_COORDINATOR =
      ConfigOption.bool(
          FORST_PREFIX + "executor.inline-coordinator",
          true,
          "Let the task thread act as the coordinator that dispatches state requests.");

  /** Every option above, in the order of the documentation table. */
  public static List<ConfigOption<?>> all() {
    return List.of(
        STATE_BACKEND_TYPE,
        MAX_PARALLELISM,
        CHECKPOINTING_DIR,
        CHECKPOINTING_INCREMENTAL,
        CHECKPOINTING_NUM_RETAINED,
        ASYNC_ACTIVE_BUFFER_SIZE,
        ASYNC_ACTIVE_BUFFER_TIMEOUT,
        ASYNC_TOTAL_BUFFER_SIZE,
        FORST_PRIMARY_DIR,
        FORST_LOCAL_DIR,
        FORST_WRITEBUFFER_SIZE,
        FORST_WRITEBUFFER_COUNT,
        FORST_BLOCK_SIZE,
        FORST_BLOCK_CACHE_SIZE,
        FORST_USE_BLOOM_FILTER,
        FORST_BLOOM_BITS_PER_KEY,
        FORST_TARGET_FILE_SIZE_BASE,
        FORST_MAX_SIZE_LEVEL_BASE,
        FORST_COMPRESSION_PER_LEVEL,
        FORST_THREAD_NUM,
        FORST_CACHE_DIR,
        FORST_CACHE_SIZE_LIMIT,
        FORST_CACHE_RESERVE_SIZE,
        FORST_CACHE_POLICY,
        FORST_CACHE_LRU_ACCESS_BEFORE_PROMOTE,
        FORST_CACHE_LRU_PROMOTE_LIMIT,
        FORST_EXECUTOR_STRATEGY,
        FORST_EXECUTOR_READ_IO_PARALLELISM,
        FORST_EXECUTOR_WRITE_IO_PARALLELISM,
        FORST_EXECUTOR_INLINE_WRITE,
        FORST_EXECUTOR_INLINE_COORDINATOR);
  }
}
