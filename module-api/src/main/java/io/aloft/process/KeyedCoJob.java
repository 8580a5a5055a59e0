package io.aloft.process;

import io.aloft.spi.backend.KeyGroupRange;
import java.util.List;
import java.util.OptionalLong;

/**
 * A {@link KeyedCoProcessFunction} run at a parallelism: a {@link KeyedJob} of two inputs. Records of
 * both inputs are routed by their key's group to the same subtask; each input has its own watermark,
 * and the function sees (and timers fire at) the minimum of the two; downstream gets the minimum over
 * the subtasks. Everything else — bounded queues, one output, failures, checkpoints at a consistent
 * cut of both inputs, restores at another parallelism — is as for a {@link KeyedJob}.
 *
 * @param <IN1> first input's type
 * @param <IN2> second input's type
 * @param <OUT> output type
 */
public interface KeyedCoJob<IN1, IN2, OUT> extends AutoCloseable {

  void processElement1(IN1 record);

  void processElement1(IN1 record, long timestamp);

  void processElement2(IN2 record);

  void processElement2(IN2 record, long timestamp);

  /** Advances the first input's watermark; the function's is the minimum of both inputs'. */
  void processWatermark1(long watermark);

  /** Advances the second input's watermark; the function's is the minimum of both inputs'. */
  void processWatermark2(long watermark);

  /** See {@link KeyedJob#drain()}. */
  void drain();

  /** See {@link KeyedJob#checkpoint(long)}: {@code inputPosition} stands for both inputs. */
  Checkpoint checkpoint(long inputPosition);

  /** See {@link KeyedJob#restoredInputPosition()}. */
  OptionalLong restoredInputPosition();

  /** The last watermark emitted downstream, {@link Long#MIN_VALUE} before. */
  long currentWatermark();

  int parallelism();

  List<KeyGroupRange> keyGroupRanges();

  /** See {@link KeyedJob#metricRegistry()}. */
  io.aloft.metrics.MetricRegistry metricRegistry();

  @Override
  void close();
}
