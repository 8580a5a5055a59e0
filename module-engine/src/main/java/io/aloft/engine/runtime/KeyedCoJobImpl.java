package io.aloft.engine.runtime;

import io.aloft.process.Checkpoint;
import io.aloft.process.Collector;
import io.aloft.process.KeySelector;
import io.aloft.process.KeyedCoJob;
import io.aloft.process.KeyedCoProcessFunction;
import io.aloft.process.KeyedJob;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.StateContext;
import io.aloft.spi.backend.KeyGroupRange;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@link KeyedCoJob}: a {@link KeyedJob} whose records say which input they came from ({@link
 * Tagged}), run by a one-input function that hands each record to {@code processElement1} or {@code
 * processElement2} ({@link #adapt}). The two inputs' watermarks are combined here: the job gets their
 * minimum whenever it advances.
 *
 * <p>Threading: the caller's thread, as a {@link KeyedJob}'s.
 */
public final class KeyedCoJobImpl<IN1, IN2, OUT> implements KeyedCoJob<IN1, IN2, OUT> {

  @Override
  public io.aloft.metrics.MetricRegistry metricRegistry() {
    return job.metricRegistry();
  }

  /** A record of input 1 ({@code first}) or input 2. */
  public record Tagged(boolean first, Object value) {}

  private final KeyedJob<Tagged, OUT> job;
  private long watermark1 = Long.MIN_VALUE; // caller thread
  private long watermark2 = Long.MIN_VALUE;
  private long combined = Long.MIN_VALUE;

  public KeyedCoJobImpl(KeyedJob<Tagged, OUT> job) {
    this.job = job;
  }

  /** The key of a tagged record, by the selector of its input. */
  @SuppressWarnings("unchecked")
  public static <K, IN1, IN2> KeySelector<Tagged, K> keys(
      KeySelector<IN1, K> first, KeySelector<IN2, K> second) {
    return t -> t.first() ? first.getKey((IN1) t.value()) : second.getKey((IN2) t.value());
  }

  /** {@code function} as a one-input function of tagged records. */
  public static <K, IN1, IN2, OUT> KeyedProcessFunction<K, Tagged, OUT> adapt(
      KeyedCoProcessFunction<K, IN1, IN2, OUT> function) {
    return new KeyedProcessFunction<>() {
      @Override
      public void open(StateContext context) throws Exception {
        function.open(context);
      }

      @Override
      @SuppressWarnings("unchecked")
      public void processElement(Tagged record, Context<K> context, Collector<OUT> out) throws Exception {
        if (record.first()) {
          function.processElement1((IN1) record.value(), context, out);
        } else {
          function.processElement2((IN2) record.value(), context, out);
        }
      }

      @Override
      public void onTimer(long timestamp, Context<K> context, Collector<OUT> out) throws Exception {
        function.onTimer(timestamp, context, out);
      }

      @Override
      public void beforeWatermark(long watermark, Context<K> context, Collector<OUT> out) throws Exception {
        function.beforeWatermark(watermark, context, out);
      }

      @Override
      public void beforeCheckpoint(long checkpointId, Context<K> context, Collector<OUT> out) throws Exception {
        function.beforeCheckpoint(checkpointId, context, out);
      }

      @Override
      public void close() throws Exception {
        function.close();
      }
    };
  }

  @Override
  public void processElement1(IN1 record) {
    job.processElement(new Tagged(true, record));
  }

  @Override
  public void processElement1(IN1 record, long timestamp) {
    job.processElement(new Tagged(true, record), timestamp);
  }

  @Override
  public void processElement2(IN2 record) {
    job.processElement(new Tagged(false, record));
  }

  @Override
  public void processElement2(IN2 record, long timestamp) {
    job.processElement(new Tagged(false, record), timestamp);
  }

  @Override
  public void processWatermark1(long watermark) {
    watermark1 = Math.max(watermark1, watermark);
    forwardWatermark();
  }

  @Override
  public void processWatermark2(long watermark) {
    watermark2 = Math.max(watermark2, watermark);
    forwardWatermark();
  }

  private void forwardWatermark() {
    long min = Math.min(watermark1, watermark2);
    if (min > combined) {
      combined = min;
      job.processWatermark(min);
    }
  }

  @Override
  public void drain() {
    job.drain();
  }

  @Override
  public Checkpoint checkpoint(long inputPosition) {
    return job.checkpoint(inputPosition);
  }

  @Override
  public OptionalLong restoredInputPosition() {
    return job.restoredInputPosition();
  }

  @Override
  public long currentWatermark() {
    return job.currentWatermark();
  }

  @Override
  public int parallelism() {
    return job.parallelism();
  }

  @Override
  public List<KeyGroupRange> keyGroupRanges() {
    return job.keyGroupRanges();
  }

  @Override
  public void close() {
    job.close();
  }
}
