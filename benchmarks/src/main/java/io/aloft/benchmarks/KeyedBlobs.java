package io.aloft.benchmarks;

import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * The benchmarks' keyed job over one value state of byte arrays: each record is a key, whose value is
 * {@code values.apply(key)}. It writes that value blindly, or reads it and fails on a wrong one, and
 * optionally writes it back.
 */
final class KeyedBlobs extends KeyedProcessFunction<Long, Long, Void> {

  /** What a record does. */
  enum Mode {
    /** A blind write of the key's value. */
    WRITE,
    /** Read the value and check it. */
    CHECK,
    /** Read the value, check it, write it back. */
    CHECK_AND_REWRITE
  }

  private final Mode mode;
  private final LongFunction<byte[]> values;
  private ValueState<byte[]> blob;

  KeyedBlobs(Mode mode, LongFunction<byte[]> values) {
    this.mode = mode;
    this.values = values;
  }

  @Override
  public void open(StateContext context) {
    blob = context.getState(new ValueStateDescriptor<>("blob", Serializers.BYTES));
  }

  @Override
  public void processElement(Long key, Context<Long> context, Collector<Void> out) {
    byte[] expected = values.apply(key);
    if (mode == Mode.WRITE) {
      blob.asyncUpdate(expected);
      return;
    }
    blob.asyncValue()
        .thenAccept(
            v -> {
              if (!Arrays.equals(v, expected)) {
                throw new IllegalStateException("key " + key + ": wrong value read");
              }
              if (mode == Mode.CHECK_AND_REWRITE) {
                blob.asyncUpdate(expected);
              }
            });
  }
}
