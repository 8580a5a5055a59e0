package io.aloft.process;

import io.aloft.spi.backend.KeyGroupRange;
import java.util.List;

/**
 * A keyed function run at a parallelism inside this JVM: one {@link KeyedProcessor} instance per
 * subtask, each on its own task thread, owning the key groups {@link KeyGroups#rangeOf} gives it. The
 * caller's thread is the job's input: each record goes to the subtask that owns its key's group
 * ({@link KeyGroups#subtaskOf}) through a bounded queue, so a caller faster than the job waits
 * (back-pressure) instead of filling memory.
 *
 * <p>Output: every subtask emits into the one {@link Output} the job was built with, one call at a
 * time, from the subtasks' threads. Records of one key are emitted in order (a key lives in one
 * subtask). A watermark goes to every subtask; downstream receives the minimum of the subtasks'
 * watermarks whenever it advances, so a watermark emitted downstream has passed every subtask.
 *
 * <p>Failures: when a subtask fails (its function throws, its state cannot be read), the job fails:
 * every later call throws a {@link ProcessingException} naming the subtask, with the cause. {@link
 * #close()} stops every subtask and releases their state.
 *
 * <p>The methods are meant for one caller thread at a time, like a source feeding a Flink task.
 *
 * @param <IN> input type
 * @param <OUT> output type
 */
public interface KeyedJob<IN, OUT> extends AutoCloseable {

  /** Routes a record with no event-time timestamp to its key's subtask; waits while its queue is full. */
  void processElement(IN record);

  /** Routes a record with event-time {@code timestamp} to its key's subtask; waits while its queue is full. */
  void processElement(IN record, long timestamp);

  /** Sends {@code watermark} to every subtask (after every record given before it). */
  void processWatermark(long watermark);

  /**
   * Returns once every record and watermark given so far is fully processed by every subtask, including
   * the state callbacks they started.
   */
  void drain();

  /** The last watermark emitted downstream (the minimum over the subtasks), {@link Long#MIN_VALUE} before. */
  long currentWatermark();

  /**
   * Takes a checkpoint of the whole job at a consistent cut of its input: every record and watermark
   * given before this call is in it, none given after. Each subtask checkpoints once it has processed
   * what came before the cut (the others go on meanwhile); the checkpoint is complete when every subtask
   * has written its part, and this call returns then. {@code inputPosition} — where the caller's input
   * stands after the last record given (a source offset) — is recorded in every part: a job restored
   * from the checkpoint ({@code restoreFrom}, at the same or another parallelism) reports it in
   * {@link #restoredInputPosition()}, and replaying the input from there makes the state exactly-once.
   * Ids continue after the highest any subtask has taken or found in {@code execution.checkpointing.dir}.
   *
   * @throws io.aloft.config.ConfigException if {@code execution.checkpointing.dir} is not set
   * @throws ProcessingException if a subtask could not write its part (the job has failed; checkpoints
   *     completed before are untouched)
   */
  Checkpoint checkpoint(long inputPosition);

  /** The input position of the checkpoint this job was restored from; empty for a fresh start. */
  java.util.OptionalLong restoredInputPosition();

  /** The number of subtasks. */
  int parallelism();

  /** The key groups of each subtask, by subtask index. */
  List<KeyGroupRange> keyGroupRanges();

  /**
   * The job's metrics: every subtask's processor metrics combined (counters and sizes summed, maxima
   * and last durations the largest subtask's, histograms merged) and {@code job.queued-records};
   * readable from any thread and after {@link #close()} ({@code docs/metrics.md}). Published as the JMX
   * MBean {@code io.aloft:type=KeyedJob,name=<name>} unless {@code aloft.metrics.jmx.enabled} is false;
   * each subtask's processor has its own MBean too.
   */
  io.aloft.metrics.MetricRegistry metricRegistry();

  /**
   * Drains, then stops every subtask and releases its state (a checkpoint taken before stays). The
   * first failure of a subtask, if any, is thrown after all were closed.
   */
  @Override
  void close();
}
