package io.aloft.engine.checkpoint;

import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;

/**
 * Counts records per key with synchronous calls; a record {@code ?<key>} emits {@code <key>=<count>}
 * instead. Key records with {@link #KEY}. The checkpoint tests' job.
 */
final class CountingFunction extends KeyedProcessFunction<String, String, String> {
  /** The key of a record: the record, without a leading {@code ?}. */
  static final io.aloft.process.KeySelector<String, String> KEY = k -> k.startsWith("?") ? k.substring(1) : k;

  private ValueState<Long> count;

  @Override
  public void open(StateContext context) {
    count = context.getState(new ValueStateDescriptor<>("count", Serializers.LONG));
  }

  @Override
  public void processElement(String record, Context<String> ctx, Collector<String> out) {
    if (record.startsWith("?")) {
      out.collect(record.substring(1) + "=" + count.value());
      return;
    }
    Long n = count.value();
    count.update(n == null ? 1 : n + 1);
  }
}
