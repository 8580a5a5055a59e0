package io.aloft.process;

/**
 * A keyed function of two inputs, as Flink's {@code KeyedCoProcessFunction}: records of both inputs
 * with the same key share the key's state and timers (a join keeps each side in a state and matches
 * the other side against it). Its watermark is the minimum of the two inputs' watermarks. Run it with
 * {@code Aloft.keyedCoJob}.
 *
 * @param <K> key type
 * @param <IN1> first input's type
 * @param <IN2> second input's type
 * @param <OUT> output type
 */
public abstract class KeyedCoProcessFunction<K, IN1, IN2, OUT> {

  /** Called once before the first record: obtain states here. */
  public void open(StateContext context) throws Exception {}

  /** Processes a record of the first input; {@code context.currentKey()} is its key. */
  public abstract void processElement1(IN1 value, KeyedProcessFunction.Context<K> context, Collector<OUT> out)
      throws Exception;

  /** Processes a record of the second input; {@code context.currentKey()} is its key. */
  public abstract void processElement2(IN2 value, KeyedProcessFunction.Context<K> context, Collector<OUT> out)
      throws Exception;

  /** Called when a timer of {@code context.currentKey()} fires (either clock; see {@code timeDomain()}). */
  public void onTimer(long timestamp, KeyedProcessFunction.Context<K> context, Collector<OUT> out)
      throws Exception {}

  /** See {@link KeyedProcessFunction#beforeWatermark}. */
  public void beforeWatermark(long watermark, KeyedProcessFunction.Context<K> context, Collector<OUT> out)
      throws Exception {}

  /** See {@link KeyedProcessFunction#beforeCheckpoint}. */
  public void beforeCheckpoint(long checkpointId, KeyedProcessFunction.Context<K> context, Collector<OUT> out)
      throws Exception {}

  /** Called once when the job closes. */
  public void close() throws Exception {}
}
