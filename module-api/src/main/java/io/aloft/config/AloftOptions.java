package io.aloft.config;

import java.time.Duration;
import java.util.List;

/**
 * The configuration keys every backend shares, with their defaults and meanings: one place, from which
 * the README's first table is generated (ConfigurationTableTest keeps the two equal). The {@code forst}
 * backend's keys ({@code state.backend.forst.*}) are the engine's ({@code io.aloft.engine.ForStOptions});
 * storage providers and cache policies declare their own keys ({@code s3.*}, {@code gs.*}, …) beside
 * their code.
 *
 * <p>Keys under Aloft's prefixes are checked strictly: an unknown one is an error, because a misspelt
 * tuning key would otherwise be silently ignored.
 */
public final class AloftOptions {
  private AloftOptions() {}

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

  public static final ConfigOption<Duration> CHECKPOINTING_INTERVAL =
      ConfigOption.duration(
          "execution.checkpointing.interval",
          null,
          "A keyed job checkpoints on its own this often (on its input thread, recording the position"
              + " its inputPosition supplier gives). Unset: only on demand (job.checkpoint).");

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

  // --- configuration and operation ----------------------------------------------------------------

  public static final ConfigOption<Boolean> CONFIG_STRICT =
      ConfigOption.bool(
          "aloft.config.strict",
          false,
          "Refuse Flink's configuration keys that Aloft does not honour (state.backend.rocksdb.*,"
              + " execution.checkpointing.mode, ...) instead of ignoring them with one WARNING.");

  public static final ConfigOption<Boolean> METRICS_JMX =
      ConfigOption.bool(
          "aloft.metrics.jmx.enabled",
          true,
          "Register each processor's and job's metrics as JMX MBeans (domain io.aloft) on the platform"
              + " MBean server.");

  /** Every option above, in the order of the documentation table. */
  public static List<ConfigOption<?>> all() {
    return List.of(
        STATE_BACKEND_TYPE,
        MAX_PARALLELISM,
        CHECKPOINTING_DIR,
        CHECKPOINTING_INCREMENTAL,
        CHECKPOINTING_NUM_RETAINED,
        CHECKPOINTING_INTERVAL,
        ASYNC_ACTIVE_BUFFER_SIZE,
        ASYNC_ACTIVE_BUFFER_TIMEOUT,
        ASYNC_TOTAL_BUFFER_SIZE,
        CONFIG_STRICT,
        METRICS_JMX);
  }
}
