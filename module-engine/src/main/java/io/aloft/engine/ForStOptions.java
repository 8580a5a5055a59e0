package io.aloft.engine;

import io.aloft.config.ConfigOption;
import io.aloft.config.MemorySize;
import java.util.List;

/**
 * The configuration keys of the {@code forst} backend ({@code state.backend.forst.*}): its LSM, its
 * local file cache and the executor of its asynchronous state requests, each with its default and
 * meaning. The README's second table is generated from {@link #all()} and the options the cache
 * policies declare ({@code ForStConfigurationTableTest} keeps them equal). Keys under
 * {@link #PREFIX} are checked strictly: an unknown one is an error naming the closest known key.
 */
public final class ForStOptions {
  private ForStOptions() {}

  /** Prefix of the ForSt keys, all of which are checked strictly. */
  public static final String PREFIX = "state.backend.forst.";

  // --- ForSt engine -------------------------------------------------------------------------------

  public static final ConfigOption<String> PRIMARY_DIR =
      ConfigOption.string(
          PREFIX + "primary-dir",
          null,
          "Where ForSt writes its SST files. Default: a directory inside execution.checkpointing.dir,"
              + " so checkpoints reference files instead of copying them. Flink's shortcuts work:"
              + " checkpoint-dir (the default) and local-dir (a directory in local-dir; checkpoints"
              + " then copy the files).");

  /** {@link #PRIMARY_DIR}'s shortcut for the default: the checkpoint directory's {@code shared/}. */
  public static final String PRIMARY_DIR_CHECKPOINT_DIR = "checkpoint-dir";

  /** {@link #PRIMARY_DIR}'s shortcut for {@code primary/} in the local directory. */
  public static final String PRIMARY_DIR_LOCAL_DIR = "local-dir";

  public static final ConfigOption<String> LOCAL_DIR =
      ConfigOption.string(
          PREFIX + "local-dir",
          null,
          "Local working directory for small metadata. Default: a directory under java.io.tmpdir.");

  public static final ConfigOption<MemorySize> WRITEBUFFER_SIZE =
      ConfigOption.memory(
          PREFIX + "writebuffer.size",
          MemorySize.ofMebiBytes(64),
          "Size of one memtable; a full memtable becomes immutable and is flushed to an SST file.");

  public static final ConfigOption<Integer> WRITEBUFFER_COUNT =
      ConfigOption.integer(
          PREFIX + "writebuffer.count",
          2,
          2,
          "Memtables (active plus immutable) held before writes wait for a flush.");

  public static final ConfigOption<MemorySize> BLOCK_SIZE =
      ConfigOption.memory(
          PREFIX + "block.blocksize",
          MemorySize.ofBytes(4096),
          "Uncompressed size of an SST data block: the unit of a remote read and of the block cache.");

  public static final ConfigOption<MemorySize> BLOCK_CACHE_SIZE =
      ConfigOption.memory(
          PREFIX + "block.cache-size",
          MemorySize.ofMebiBytes(8),
          "Capacity of the in-memory block cache, weighed by bytes.");

  public static final ConfigOption<Boolean> USE_BLOOM_FILTER =
      ConfigOption.bool(
          PREFIX + "use-bloom-filter",
          true,
          "Whether SST files carry a Bloom filter, so a get of an absent key skips the file.");

  public static final ConfigOption<Integer> BLOOM_BITS_PER_KEY =
      ConfigOption.integer(
          PREFIX + "bloom-filter.bits-per-key",
          10,
          1,
          "Bloom filter bits per key; 10 gives about 1% false positives.");

  public static final ConfigOption<MemorySize> TARGET_FILE_SIZE_BASE =
      ConfigOption.memory(
          PREFIX + "compaction.level.target-file-size-base",
          MemorySize.ofMebiBytes(64),
          "Target size of SST files written by compaction.");

  public static final ConfigOption<MemorySize> MAX_SIZE_LEVEL_BASE =
      ConfigOption.memory(
          PREFIX + "compaction.level.max-size-level-base",
          MemorySize.ofMebiBytes(256),
          "Size limit of level 1; each deeper level may be ten times larger.");

  public static final ConfigOption<String> COMPRESSION_PER_LEVEL =
      ConfigOption.string(
          PREFIX + "compression.per.level",
          "lz4",
          "Block compression per level, comma-separated (none, lz4, zstd); the last entry applies to"
              + " deeper levels.");

  public static final ConfigOption<Integer> THREAD_NUM =
      ConfigOption.integer(
          PREFIX + "thread.num",
          2,
          2,
          "Background threads of one tree: one flushes memtables, one runs compactions (one at a time)."
              + " Values above 2 are accepted; see compaction.threads for splitting one compaction.");

  public static final ConfigOption<Integer> COMPACTION_THREADS =
      ConfigOption.integer(
          PREFIX + "compaction.threads",
          null,
          1,
          64,
          "Threads one compaction splits its key range over (subcompactions, RocksDB's"
              + " max_subcompactions); the extra threads are shared by every tree of the JVM. Default:"
              + " the available processors, at most 4.");

  // --- local file cache ---------------------------------------------------------------------------

  public static final ConfigOption<String> CACHE_DIR =
      ConfigOption.string(
          PREFIX + "cache.dir",
          null,
          "Directory of the local file cache of remote SST files. Default: under the local dir.");

  public static final ConfigOption<MemorySize> CACHE_SIZE_LIMIT =
      ConfigOption.memory(
          PREFIX + "cache.size-based-limit",
          MemorySize.ofBytes(0),
          "Evict cached files when the cache exceeds this size; 0 turns the size limit off.");

  public static final ConfigOption<MemorySize> CACHE_RESERVE_SIZE =
      ConfigOption.memory(
          PREFIX + "cache.reserve-size",
          MemorySize.ofMebiBytes(256),
          "Evict cached files when free space on the cache's disk drops below this.");

  public static final ConfigOption<String> CACHE_POLICY =
      ConfigOption.string(
          PREFIX + "cache.policy",
          "tinylfu",
          "File-cache eviction policy: tinylfu (Caffeine W-TinyLFU with TinyLFU admission of load-backs;"
              + " the default, ahead of lru on skewed and on scan-heavy reads), lru (two-list LRU, ForSt's"
              + " policy), or none (no file cache: every read of an SST goes to the primary store).");

  /** The {@link #CACHE_POLICY} value that turns the file cache off. */
  public static final String CACHE_POLICY_NONE = "none";

  // --- executor -----------------------------------------------------------------------------------

  public static final ConfigOption<String> EXECUTOR_STRATEGY =
      ConfigOption.string(
          PREFIX + "executor.strategy",
          "threads",
          "How state requests are executed: threads (coordinator, read and write pools), virtual"
              + " (virtual threads, Java 21+) or direct (on the caller).");

  public static final ConfigOption<Integer> EXECUTOR_READ_IO_PARALLELISM =
      ConfigOption.integer(
          PREFIX + "executor.read-io-parallelism", 3, 1, "Threads serving state reads.");

  public static final ConfigOption<Integer> EXECUTOR_WRITE_IO_PARALLELISM =
      ConfigOption.integer(
          PREFIX + "executor.write-io-parallelism", 1, 1, "Threads serving state writes.");

  public static final ConfigOption<Boolean> EXECUTOR_INLINE_WRITE =
      ConfigOption.bool(
          PREFIX + "executor.inline-write", true, "Run writes on the coordinator thread.");

  public static final ConfigOption<Boolean> EXECUTOR_INLINE_COORDINATOR =
      ConfigOption.bool(
          PREFIX + "executor.inline-coordinator",
          true,
          "Let the task thread act as the coordinator that dispatches state requests.");

  /** Every option above, in the order of the documentation table. */
  public static List<ConfigOption<?>> all() {
    return List.of(
        PRIMARY_DIR,
        LOCAL_DIR,
        WRITEBUFFER_SIZE,
        WRITEBUFFER_COUNT,
        BLOCK_SIZE,
        BLOCK_CACHE_SIZE,
        USE_BLOOM_FILTER,
        BLOOM_BITS_PER_KEY,
        TARGET_FILE_SIZE_BASE,
        MAX_SIZE_LEVEL_BASE,
        COMPRESSION_PER_LEVEL,
        THREAD_NUM,
        COMPACTION_THREADS,
        CACHE_DIR,
        CACHE_SIZE_LIMIT,
        CACHE_RESERVE_SIZE,
        CACHE_POLICY,
        EXECUTOR_STRATEGY,
        EXECUTOR_READ_IO_PARALLELISM,
        EXECUTOR_WRITE_IO_PARALLELISM,
        EXECUTOR_INLINE_WRITE,
        EXECUTOR_INLINE_COORDINATOR);
  }
}
