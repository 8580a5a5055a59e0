package io.aloft.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.v2.AggregatingState;
import org.apache.flink.api.common.state.v2.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.v2.ListState;
import org.apache.flink.api.common.state.v2.ListStateDescriptor;
import org.apache.flink.api.common.state.v2.MapState;
import org.apache.flink.api.common.state.v2.MapStateDescriptor;
import org.apache.flink.api.common.state.v2.ReducingState;
import org.apache.flink.api.common.state.v2.ReducingStateDescriptor;
import org.apache.flink.api.common.state.v2.StateFuture;
import org.apache.flink.api.common.state.v2.ValueState;
import org.apache.flink.api.common.state.v2.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.state.StateFutureUtils;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A keyed job over all five State V2 kinds, and the sequential model of what it must end with. Each
 * record {@code v} of key {@code v % keys} counts (value), sums (reducing), averages (aggregating),
 * appends to a list, counts {@code v % 7} in a small map and puts {@code v} in a large map (several
 * pages); some operations are chained, some are issued without waiting. The record that completes a
 * key's count emits a summary read back from every state.
 */
final class AllStateKindsJob {
  private AllStateKindsJob() {}

  /** The latest summary per key, across restarts (a summary is re-emitted identically after a replay). */
  static final Map<Long, String> RESULTS = new ConcurrentHashMap<>();
  static final AtomicBoolean FAILED = new AtomicBoolean();
  static final AtomicInteger CHECKPOINTS_DONE = new AtomicInteger();

  static void reset() {
    RESULTS.clear();
    FAILED.set(false);
    CHECKPOINTS_DONE.set(0);
  }

  /** What the summary of {@code key} must be after records {@code 1..n}. */
  static String expected(long key, long n, long keys) {
    List<Long> values = new ArrayList<>();
    for (long v = 1; v <= n; v++) {
      if (v % keys == key) {
        values.add(v);
      }
    }
    long sum = values.stream().mapToLong(Long::longValue).sum();
    TreeMap<Long, Long> small = new TreeMap<>();
    for (long v : values) {
      small.merge(v % 7, 1L, Long::sum);
    }
    long bigSum = sum;
    return summary(key, values.size(), sum, (double) sum / values.size(), values, small, values.size(), bigSum);
  }

  static String summary(
      long key, long count, long sum, double average, List<Long> list, Map<Long, Long> small, long bigSize, long bigSum) {
    // the two source subtasks interleave: a key's list is in arrival order, compared as a multiset
    List<Long> sorted = new ArrayList<>(list);
    java.util.Collections.sort(sorted);
    return key + " count=" + count + " sum=" + sum + " avg=" + average + " list=" + sorted + " small="
        + new TreeMap<>(small) + " big=" + bigSize + "/" + bigSum;
  }

  /** Fails once, on a record after the first checkpoint completed; slows the source so checkpoints happen. */
  static final class FailOnce extends RichMapFunction<Long, Long> implements CheckpointListener {
    private final boolean fail;

    FailOnce(boolean fail) {
      this.fail = fail;
    }

    @Override
    public Long map(Long v) throws Exception {
      if (v % 4 == 0) {
        Thread.sleep(1);
      }
      if (fail && CHECKPOINTS_DONE.get() > 0 && v % 97 == 0 && FAILED.compareAndSet(false, true)) {
        throw new RuntimeException("injected failure at " + v);
      }
      return v;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTS_DONE.incrementAndGet();
    }
  }

  static final class Average implements AggregateFunction<Long, long[], Double> {
    @Override
    public long[] createAccumulator() {
      return new long[2];
    }

    @Override
    public long[] add(Long value, long[] acc) {
      return new long[] {acc[0] + value, acc[1] + 1};
    }

    @Override
    public Double getResult(long[] acc) {
      return (double) acc[0] / acc[1];
    }

    @Override
    public long[] merge(long[] a, long[] b) {
      return new long[] {a[0] + b[0], a[1] + b[1]};
    }
  }

  static final class Counter extends KeyedProcessFunction<Long, Long, String> {
    private final long n;
    private final long keys;
    private transient ValueState<Long> count;
    private transient ReducingState<Long> sum;
    private transient AggregatingState<Long, Double> average;
    private transient ListState<Long> list;
    private transient MapState<Long, Long> small;
    private transient MapState<Long, Long> big;

    Counter(long n, long keys) {
      this.n = n;
      this.keys = keys;
    }

    @Override
    public void open(OpenContext context) {
      var rc = getRuntimeContext();
      count = rc.getState(new ValueStateDescriptor<>("count", Types.LONG));
      sum = rc.getReducingState(new ReducingStateDescriptor<>("sum", Long::sum, Types.LONG));
      average =
          rc.getAggregatingState(
              new AggregatingStateDescriptor<Long, long[], Double>(
                  "average",
                  new Average(),
                  org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
      list = rc.getListState(new ListStateDescriptor<>("list", Types.LONG));
      small = rc.getMapState(new MapStateDescriptor<>("small", Types.LONG, Types.LONG));
      big = rc.getMapState(new MapStateDescriptor<>("big", Types.LONG, Types.LONG));
    }

    @Override
    public void processElement(Long v, Context ctx, Collector<String> out) {
      // issued without waiting: they must still take effect in order, before the summary's reads
      sum.asyncAdd(v);
      list.asyncAdd(v);
      big.asyncPut(v, v);
      StateFuture<Long> counted =
          count.asyncValue()
              .thenCompose(
                  c -> {
                    long next = c == null ? 1 : c + 1;
                    return count.asyncUpdate(next).thenApply(x -> next);
                  });
      StateFuture<Void> averaged = average.asyncAdd(v);
      StateFuture<Void> smallDone =
          small.asyncGet(v % 7).thenCompose(c -> small.asyncPut(v % 7, c == null ? 1 : c + 1));
      // The key's last record in arrival order (the source's subtasks interleave) completes its count.
      long key = ctx.getCurrentKey();
      long perKey = n / keys + (key != 0 && key <= n % keys ? 1 : 0);
      counted.thenCompose(
              c ->
                  c < perKey
                      ? StateFutureUtils.completedFuture(null)
                      : StateFutureUtils.combineAll(List.of(averaged, smallDone))
                          .thenCompose(ignored -> summary(key)))
          .thenAccept(
              summary -> {
                if (summary != null) {
                  out.collect(summary);
                }
              });
    }

    private StateFuture<String> summary(long key) {
      List<Long> listed = new ArrayList<>();
      TreeMap<Long, Long> smallSeen = new TreeMap<>();
      long[] bigSeen = new long[2];
      return count.asyncValue()
          .thenCompose(
              c ->
                  sum.asyncGet()
                      .thenCompose(
                          s ->
                              average.asyncGet()
                                  .thenCompose(
                                      a ->
                                          list.asyncGet()
                                              .thenCompose(it -> it.onNext((Long e) -> { listed.add(e); }))
                                              .thenCompose(x -> small.asyncEntries())
                                              .thenCompose(it -> it.onNext((Map.Entry<Long, Long> e) -> { smallSeen.put(e.getKey(), e.getValue()); }))
                                              .thenCompose(x -> big.asyncValues())
                                              .thenCompose(
                                                  it ->
                                                      it.onNext(
                                                          value -> {
                                                            bigSeen[0]++;
                                                            bigSeen[1] += value;
                                                          }))
                                              .thenApply(
                                                  x ->
                                                      AllStateKindsJob.summary(key, c, s, a, listed, smallSeen, bigSeen[0], bigSeen[1])))));
    }
  }

  /** Keeps the latest summary of each key. */
  static final class LatestPerKey implements Sink<String> {
    @Override
    public SinkWriter<String> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(String element, Context context) {
          RESULTS.put(Long.parseLong(element.substring(0, element.indexOf(' '))), element);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
