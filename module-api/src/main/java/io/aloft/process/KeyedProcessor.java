package io.aloft.process;

import io.aloft.spi.backend.KeyGroupRange;
import java.util.OptionalLong;

/**
 * One running instance of a {@link KeyedProcessFunction}: it owns a key-group range and a state backend
 * for it. Built by the engine's {@code Aloft} entry point.
 *
 * <p>Threading: a processor is driven by one thread, its task thread — the thread that built it.
 * Calls from another thread fail with {@link IllegalStateException}, and so do calls from inside the
 * processor's own function or state callbacks (a processor is not re-entrant). Failures of the user function or of
 * state access are thrown from the call that was running (wrapped in {@link ProcessingException}).
 *
 * @param <K> key type
 * @param <IN> input record type
 * @param <OUT> output record type
 */
public interface KeyedProcessor<K, IN, OUT> extends AutoCloseable {

  /** Processes a record with no event-time timestamp. */
  void processElement(IN record);

  /** Processes a record with event-time {@code timestamp}. */
  void processElement(IN record, long timestamp);

  /**
   * Advances event time: fires every timer at or before {@code watermark} (in timestamp order, each
   * under its key), then emits the watermark to the output. A watermark not above the current one
   * changes nothing.
   */
  void processWatermark(long watermark);

  /**
   * Returns once every record and watermark given so far is fully processed, including every state
   * callback they started. Checkpoints drain first; tests drain before they look at results.
   */
  void drain();

  /**
   * Takes checkpoint {@code checkpointId}: drains in-flight records, makes the backend's state durable
   * (for {@code forst}: flushes memtables; the files already in storage are referenced, not copied),
   * and writes this instance's part of {@code <execution.checkpointing.dir>/chk-<id>}: its key-group
   * range, its states with their serializer versions, its timers and the files it needs. The
   * checkpoint is complete once every instance of the processor has written its part. Ids must
   * increase, past {@link #lastCheckpointId()}. Checkpoints older than the newest
   * {@code execution.checkpointing.num-retained} complete ones are deleted, with the files that no
   * retained checkpoint and no running instance needs (see {@code docs/checkpoints.md}).
   *
   * @throws io.aloft.config.ConfigException if {@code execution.checkpointing.dir} is not set
   * @throws IllegalArgumentException if {@code checkpointId} is not above {@link #lastCheckpointId()}
   * @throws java.io.UncheckedIOException if the checkpoint could not be written, or if a processor
   *     restored since has taken over this instance's key groups (it is fenced: it must stop); no
   *     earlier completed checkpoint is affected
   */
  Checkpoint checkpoint(long checkpointId);

  /**
   * {@link #checkpoint(long)}, recording {@code inputPosition} — where the input stood after the last
   * record this instance was given (a source offset) — in the checkpoint, so that a restore resumes the
   * input there ({@link #restoredInputPosition()}). A {@link KeyedJob} gives every subtask the same.
   */
  Checkpoint checkpoint(long checkpointId, long inputPosition);

  /** The input position recorded in the checkpoint this instance was restored from, if any. */
  OptionalLong restoredInputPosition();

  /**
   * The highest checkpoint id this instance has taken, taken over with its restore, or found taken by
   * earlier runs of its processor in {@code execution.checkpointing.dir}: the next checkpoint's id must
   * be above it. The instances of a processor share checkpoint ids, so take the maximum over all of
   * them, as Flink continues its checkpoint counter after a restore. Empty when there is none, or no
   * checkpoint directory.
   */
  OptionalLong lastCheckpointId();

  /**
   * Fires, in time order and each under its key, every processing-time timer at or before the clock's
   * time now (a timer a state callback registers later fires at a later call). Cheap when none is due. A {@link KeyedJob}
   * calls it for its subtasks; the caller of a processor it drives by hand calls it as often as its
   * timers need.
   */
  void advanceProcessingTime();

  /** The last watermark received, {@link Long#MIN_VALUE} before the first. */
  long currentWatermark();

  /** The key groups this instance owns; records of other key groups are rejected. */
  KeyGroupRange keyGroupRange();

  /**
   * A snapshot of this instance's metrics, by name, sorted: the state backend's (for {@code forst}:
   * {@code forst.*}, including the file cache's {@code forst.cache.*}), the asynchronous execution's
   * ({@code async.*}) and the checkpoints' ({@code checkpoint.*}). The names are listed in the README's
   * metrics section.
   */
  java.util.SortedMap<String, Long> metrics();

  /**
   * This instance's metrics, typed (counters, gauges, histograms), readable from any thread and after
   * {@link #close()}: the same values as {@link #metrics()} plus latencies, batch sizes, per-key queue
   * depths, checkpoint and restore durations, and each under Flink's name too where Flink has one
   * ({@code docs/metrics.md}). Published as the JMX MBean {@code
   * io.aloft:type=KeyedProcessor,name=<name>,instance=<index>of<parallelism>} unless {@code
   * aloft.metrics.jmx.enabled} is false.
   */
  io.aloft.metrics.MetricRegistry metricRegistry();

  /** Closes the function and releases the state backend. */
  @Override
  void close();
}
