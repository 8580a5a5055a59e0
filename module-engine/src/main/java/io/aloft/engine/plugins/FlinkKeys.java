package io.aloft.engine.plugins;

import java.util.List;
import java.util.Set;

/**
 * Apache Flink's configuration keys under the prefixes Aloft shares with Flink ({@code state.backend.},
 * {@code execution.async-state.}, {@code execution.checkpointing.}, {@code pipeline.}) that Aloft does
 * not read. A {@code config.yaml} shared with a Flink deployment may hold them: they are ignored with one
 * warning, while any other unknown key under those prefixes is a typo and fails.
 *
 * <p>From Flink 2.3's {@code StateBackendOptions}, {@code CheckpointingOptions}, {@code
 * ExecutionOptions}, {@code PipelineOptions}, and the RocksDB, ForSt ({@code ForStOptions}, {@code
 * ForStConfigurableOptions}) and changelog backends' options.
 */
final class FlinkKeys {
  private FlinkKeys() {}

  /** Whole families: every key below these belongs to a Flink component Aloft does not have. */
  private static final List<String> PREFIXES =
      List.of(
          "state.backend.rocksdb.",
          "state.backend.changelog.",
          "state.backend.latency-track.",
          "state.backend.size-track.",
          "execution.checkpointing.file-merging.",
          "execution.checkpointing.local-backup.",
          "execution.checkpointing.unaligned.",
          "pipeline.watermark-alignment.",
          "state.backend.forst.log.",
          "state.backend.forst.memory.",
          "state.backend.forst.timer-service.",
          "state.backend.forst.compaction.filter.");

  private static final Set<String> KEYS =
      Set.of(
          "state.backend.incremental",
          "state.backend.local-recovery",
          "state.backend.async",
          "state.backend.fs.memory-threshold",
          "state.backend.fs.write-buffer-size",
          // honoured when module-cache (the lru policy) is on the module path, ignored otherwise
          "state.backend.forst.cache.lru.access-before-promote",
          "state.backend.forst.cache.lru.promote-limit",
          "state.backend.forst.block.metadata-blocksize",
          "state.backend.forst.bloom-filter.block-based-mode",
          "state.backend.forst.compaction.level.use-dynamic-size",
          "state.backend.forst.compaction.style",
          "state.backend.forst.files.open",
          "state.backend.forst.options-factory",
          "state.backend.forst.rescaling.use-delete-files-in-range",
          "state.backend.forst.restore-overlap-fraction-threshold",
          "state.backend.forst.sync.enforce-local",
          "state.backend.forst.use-ingest-db-restore-mode",
          "state.backend.forst.write-batch-size",
          "state.backend.forst.writebuffer.number-to-merge",
          "execution.async-state.in-flight-records-limit",
          "execution.async-state.buffer-size",
          "execution.async-state.buffer-timeout",
          "execution.checkpointing.interval-during-backlog",
          "execution.checkpointing.mode",
          "execution.checkpointing.timeout",
          "execution.checkpointing.min-pause",
          "execution.checkpointing.max-concurrent-checkpoints",
          "execution.checkpointing.tolerable-failed-checkpoints",
          "execution.checkpointing.externalized-checkpoint-retention",
          "execution.checkpointing.savepoint-dir",
          "execution.checkpointing.storage",
          "execution.checkpointing.snapshot-compression",
          "execution.checkpointing.aligned-checkpoint-timeout",
          "execution.checkpointing.force",
          "execution.checkpointing.checkpoints-after-tasks-finish",
          "execution.checkpointing.cleaner.parallel-mode",
          "execution.checkpointing.create-subdir",
          "execution.checkpointing.data-inline-threshold",
          "execution.checkpointing.write-buffer-size",
          "execution.checkpointing.approximate-local-recovery",
          "execution.checkpointing.recover-without-channel-state.checkpoint-id",
          "pipeline.name",
          "pipeline.jars",
          "pipeline.classpaths",
          "pipeline.auto-watermark-interval",
          "pipeline.auto-generate-uids",
          "pipeline.auto-type-registration",
          "pipeline.closure-cleaner-level",
          "pipeline.force-avro",
          "pipeline.force-kryo",
          "pipeline.force-kryo-avro",
          "pipeline.generic-types",
          "pipeline.global-job-parameters",
          "pipeline.object-reuse",
          "pipeline.operator-chaining",
          "pipeline.operator-chaining.enabled",
          "pipeline.operator-chaining.chain-operators-with-different-max-parallelism",
          "pipeline.cached-files",
          "pipeline.serialization-config",
          "pipeline.vertex-description-mode",
          "pipeline.vertex-name-include-index-prefix",
          "pipeline.jobvertex-parallelism-overrides",
          "pipeline.time-characteristic");

  /**
   * Flink's keys outside Aloft's prefixes that a Flink deployment's {@code config.yaml} holds (its
   * cluster, REST, metrics, HA, deployment and scheduling options): Aloft reads none of them, so they
   * join the one warning. Keys of no known family stay silent — they may be the application's — and
   * the families Aloft's modules read ({@code table.exec.*} for SQL, {@code fs.*}, {@code dfs.*} for
   * HDFS) are not listed.
   */
  private static final List<String> CLUSTER_PREFIXES =
      List.of(
          "jobmanager",
          "taskmanager",
          "rest",
          "web",
          "high-availability",
          "metrics",
          "restart-strategy",
          "cluster",
          "blob",
          "pekko",
          "security",
          "env",
          "kubernetes",
          "yarn",
          "historyserver",
          "heartbeat",
          "slot",
          "slotmanager",
          "resourcemanager",
          "jobstore",
          "classloader",
          "sql-gateway",
          "python",
          "execution.runtime-mode",
          "execution.buffer-timeout",
          "execution.target",
          "execution.attached",
          "execution.shutdown-on-attached-exit",
          "execution.savepoint",
          "execution.state-recovery",
          "parallelism.default",
          "io.tmp.dirs",
          "state.savepoints.dir",
          "state.checkpoints.dir",
          "state.checkpoint-storage");

  /** Whether {@code key}, outside Aloft's prefixes, is a Flink deployment's key that Aloft never reads. */
  static boolean isClusterKey(String key) {
    for (String family : CLUSTER_PREFIXES) {
      if (key.equals(family) || key.startsWith(family + ".")) { // the key itself, or a key below it
        return true;
      }
    }
    return false;
  }

  /** Whether {@code key} is one of Flink's keys that Aloft ignores. */
  static boolean isKnown(String key) {
    if (KEYS.contains(key)) {
      return true;
    }
    for (String prefix : PREFIXES) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
