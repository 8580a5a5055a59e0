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

  /** The number of subtasks. */
  int parallelism();

  /** The key groups of each subtask, by subtask index. */
  List<KeyGroupRange> keyGroupRanges();

  /**
   * Drains, then stops every subtask and releases its state (a checkpoint taken before stays). The
   * first failure of a subtask, if any, is thrown after all were closed.
   */
  @Override
  void close();
}
