package io.aloft.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.v2.ValueState;
import org.apache.flink.api.common.state.v2.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Aloft serving a real Flink job's State V2 requests, checkpoints and recovery, in a MiniCluster. */
class AloftFlinkBackendTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  @TempDir Path dir;

  static Configuration jobConfig(Path checkpoints) {
    return jobConfig(checkpoints.toUri().toString());
  }

  static Configuration jobConfig(String checkpoints) {
    Map<String, String> c = new HashMap<>();
    c.put("state.backend.type", AloftStateBackendFactory.class.getName());
    c.put("execution.checkpointing.dir", checkpoints);
    c.put("execution.checkpointing.interval", "200 ms");
    c.put("execution.checkpointing.incremental", "true");
    c.put("restart-strategy.type", "fixed-delay");
    c.put("restart-strategy.fixed-delay.attempts", "3");
    c.put("restart-strategy.fixed-delay.delay", "100 ms");
    c.put("state.backend.forst.writebuffer.size", "64kb"); // so files flush and compact during the job
    return Configuration.fromMap(c);
  }

  /**
   * On {@code file://}, and on {@code remote://}: a local directory that both Flink (its checkpoint
   * storage, through the test kit's Flink file system) and Aloft (its storage provider, with its file
   * cache in front) treat as a remote store.
   */
  @ParameterizedTest
  @ValueSource(strings = {"file", "remote"})
  void aKeyedJobOverEveryStateKindSurvivesAFailureWithExactResults(String store) throws Exception {
    long n = 30_000;
    long keys = 50;
    AllStateKindsJob.reset();
    Path checkpoints = dir.resolve("checkpoints");
    String checkpointDir =
        store.equals("file") ? checkpoints.toUri().toString() : "remote://" + checkpoints.toAbsolutePath();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig(checkpointDir));
    env.setParallelism(2);
    env.fromSequence(1, n)
        .map(new AllStateKindsJob.FailOnce(true))
        .keyBy(v -> v % keys)
        .enableAsyncState()
        .process(new AllStateKindsJob.Counter(n, keys))
        .sinkTo(new AllStateKindsJob.LatestPerKey());
    env.execute("all state kinds");

    assertThat(AllStateKindsJob.FAILED)
        .as("the injected failure happened (%d checkpoints done)", AllStateKindsJob.CHECKPOINTS_DONE.get())
        .isTrue();
    assertThat(AllStateKindsJob.RESULTS).hasSize((int) keys);
    for (long k = 0; k < keys; k++) {
      assertThat(AllStateKindsJob.RESULTS.get(k)).isEqualTo(AllStateKindsJob.expected(k, n, keys));
    }
  }

  @Test
  void eventTimeTimersFireOnceIntoExactStateAcrossARestore() throws Exception {
    long n = 30_000;
    long keys = 50;
    AllStateKindsJob.reset();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(jobConfig(dir.resolve("checkpoints")));
    env.setParallelism(2);
    env.fromSequence(1, n)
        .assignTimestampsAndWatermarks(
            WatermarkStrategy.<Long>forMonotonousTimestamps().withTimestampAssigner((v, ts) -> v))
        .map(new AllStateKindsJob.FailOnce(true))
        .keyBy(v -> v % keys)
        .enableAsyncState()
        .process(new WindowTimers())
        .sinkTo(new AllStateKindsJob.LatestPerKey());
    env.execute("timers");

    assertThat(AllStateKindsJob.FAILED).as("the injected failure happened").isTrue();
    assertThat(AllStateKindsJob.RESULTS).hasSize((int) keys);
    for (long k = 0; k < keys; k++) {
      java.util.TreeSet<Long> windows = new java.util.TreeSet<>();
      for (long v = 1; v <= n; v++) {
        if (v % keys == k) {
          windows.add((v / 100 + 1) * 100);
        }
      }
      assertThat(AllStateKindsJob.RESULTS.get(k))
          .isEqualTo(k + " fired=" + windows.size() + " last=" + windows.last());
    }
  }

  /** Registers a timer at the end of each record's window of 100; each firing counts in state. */
  static final class WindowTimers extends KeyedProcessFunction<Long, Long, String> {
    private transient ValueState<Long> fired;

    @Override
    public void open(OpenContext context) {
      fired = getRuntimeContext().getState(new ValueStateDescriptor<>("fired", Types.LONG));
    }

    @Override
    public void processElement(Long v, Context ctx, Collector<String> out) {
      ctx.timerService().registerEventTimeTimer((v / 100 + 1) * 100);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
      long key = ctx.getCurrentKey();
      fired.asyncValue()
          .thenCompose(
              f -> {
                long next = f == null ? 1 : f + 1;
                return fired.asyncUpdate(next).thenApply(x -> next);
              })
          .thenAccept(next -> out.collect(key + " fired=" + next + " last=" + timestamp));
    }
  }

  /**
   * Flink's TTL wraps Aloft's states (values carry their write time in Flink's layout): entries are
   * hidden once expired. The input pauses 1.5 s, three times the TTL, between writing and reading.
   */
  @Test
  void expiredEntriesOfEveryKindAreNotReturned() throws Exception {
    AllStateKindsJob.reset();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(jobConfig(dir.resolve("checkpoints")));
    env.setParallelism(1);
    env.fromSequence(1, 40)
        .map(
            v -> {
              if (v == 21) {
                Thread.sleep(1_500); // every write of records 1..20 expires meanwhile
              }
              return v;
            })
        .keyBy(v -> v % 20)
        .enableAsyncState()
        .process(new ExpiringStates())
        .sinkTo(new AllStateKindsJob.LatestPerKey());
    env.execute("ttl");
    assertThat(AllStateKindsJob.RESULTS).hasSize(20);
    for (long k = 0; k < 20; k++) {
      assertThat(AllStateKindsJob.RESULTS.get(k)).isEqualTo(k + " value=null list=[] map=null");
    }
  }

  /** The first record of a key writes a value, a list element and a map entry; the second reads them. */
  static final class ExpiringStates extends KeyedProcessFunction<Long, Long, String> {
    private transient ValueState<Long> value;
    private transient org.apache.flink.api.common.state.v2.ListState<Long> list;
    private transient org.apache.flink.api.common.state.v2.MapState<Long, Long> map;

    @Override
    public void open(OpenContext context) {
      org.apache.flink.api.common.state.StateTtlConfig ttl =
          org.apache.flink.api.common.state.StateTtlConfig.newBuilder(java.time.Duration.ofMillis(500)).build();
      var valueDescriptor = new ValueStateDescriptor<>("value", Types.LONG);
      valueDescriptor.enableTimeToLive(ttl);
      var listDescriptor = new org.apache.flink.api.common.state.v2.ListStateDescriptor<>("list", Types.LONG);
      listDescriptor.enableTimeToLive(ttl);
      var mapDescriptor =
          new org.apache.flink.api.common.state.v2.MapStateDescriptor<>("map", Types.LONG, Types.LONG);
      mapDescriptor.enableTimeToLive(ttl);
      value = getRuntimeContext().getState(valueDescriptor);
      list = getRuntimeContext().getListState(listDescriptor);
      map = getRuntimeContext().getMapState(mapDescriptor);
    }

    @Override
    public void processElement(Long v, Context ctx, Collector<String> out) {
      long key = ctx.getCurrentKey();
      if (v <= 20) {
        value.asyncUpdate(v);
        list.asyncAdd(v);
        map.asyncPut(key, v);
        return;
      }
      java.util.List<Long> listed = new java.util.ArrayList<>();
      value.asyncValue()
          .thenCompose(
              x ->
                  list.asyncGet()
                      .thenCompose(it -> it.onNext((Long e) -> { listed.add(e); }))
                      .thenCompose(ignored -> map.asyncGet(key))
                      .thenAccept(m -> out.collect(key + " value=" + x + " list=" + listed + " map=" + m)));
    }
  }

  /** A synchronous call that fails (here: a null list element) fails the job, naming it, instead of hanging. */
  @Test
  void aFailingSynchronousCallFailsTheJobWithItsCause() {
    Configuration config = jobConfig(dir.resolve("checkpoints"));
    config.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    env.setParallelism(1);
    env.fromSequence(1, 10)
        .keyBy(v -> v % 2)
        .enableAsyncState()
        .process(
            new KeyedProcessFunction<Long, Long, String>() {
              private transient org.apache.flink.api.common.state.v2.ListState<Long> list;

              @Override
              public void open(OpenContext context) {
                list =
                    getRuntimeContext()
                        .getListState(new org.apache.flink.api.common.state.v2.ListStateDescriptor<>("list", Types.LONG));
              }

              @Override
              public void processElement(Long v, Context ctx, Collector<String> out) {
                list.add(v == 7 ? null : v);
              }
            })
        .sinkTo(new AllStateKindsJob.LatestPerKey());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> env.execute("sync failure"))
        .hasStackTraceContaining("add(null)");
  }
}
