package io.aloft.benchmarks;

import io.aloft.flink.AloftStateBackendFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.v2.MapState;
import org.apache.flink.api.common.state.v2.MapStateDescriptor;
import org.apache.flink.api.common.state.v2.ValueState;
import org.apache.flink.api.common.state.v2.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same Flink 2.3 job with async state on Aloft ({@code aloft}: {@code state.backend.type:
 * io.aloft.flink.AloftStateBackendFactory}, its {@code forst} engine) and on Flink's own ForSt backend
 * ({@code forst}, forstjni), both keeping their files in the checkpoint directory on a local disk, in
 * one MiniCluster per trial (1 task manager, 2 slots, parallelism 2), checkpoints every second:
 *
 * <ul>
 *   <li>{@code keyed}: {@code records} numbers keyed by {@code n % 10000}, each counted in a {@code
 *       ValueState} (read, then write) and in a {@code MapState} entry of its key (get, then put);
 *   <li>{@code sql}: {@code SELECT k, COUNT(*), SUM(v) FROM events GROUP BY k} over the same numbers,
 *       with {@code table.exec.async-state.enabled: true}.
 * </ul>
 *
 * The score is the time per job (records/s = records / score). After each job a line {@code
 * FLINK-JOB ...} gives its checkpoints: how many completed, their mean end-to-end duration, and the
 * mean checkpointed (incremental) and full state size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class FlinkJobBenchmark {

  @Param({"aloft", "forst"})
  public String backend;

  @Param({"keyed", "sql"})
  public String job;

  @Param("1000000")
  public long records;

  private ScratchDir dir;
  private MiniCluster cluster;
  private int run;

  @Setup(Level.Trial)
  public void startCluster() throws Exception {
    dir = ScratchDir.create("flink-" + backend);
    Configuration c = new Configuration();
    c.setString("taskmanager.numberOfTaskSlots", "2");
    c.setString("rest.bind-address", "127.0.0.1");
    c.setString("rest.port", "0");
    c.setString("taskmanager.memory.managed.size", "256mb");
    c.setString("taskmanager.memory.network.min", "64mb");
    c.setString("taskmanager.memory.network.max", "64mb");
    cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(c)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
    cluster.start();
  }

  /**
   * Flink's ForSt (forstjni) leaves non-daemon native threads behind, and a {@code forst} fork does not
   * exit even when JMH forces it (nor when halted from a thread of its own): after its last iteration
   * is reported it must be killed ({@code pkill -f ForkedMain}); docs/benchmarks.md says so.
   */
  @TearDown(Level.Trial)
  public void stopCluster() throws Exception {
    try {
      cluster.close();
    } finally {
      dir.close();
    }
  }

  private Configuration jobConfig() {
    Configuration c = new Configuration();
    c.setString(
        "state.backend.type", backend.equals("aloft") ? AloftStateBackendFactory.class.getName() : "forst");
    c.setString("execution.checkpointing.dir", dir.path().resolve("checkpoints-" + run++).toUri().toString());
    c.setString("execution.checkpointing.interval", "1 s");
    c.setString("execution.checkpointing.incremental", "true");
    c.setString("table.exec.async-state.enabled", "true");
    c.setString("table.exec.mini-batch.enabled", "false");
    c.setString("table.optimizer.agg-phase-strategy", "ONE_PHASE");
    c.setString("pipeline.max-parallelism", "128");
    return c;
  }

  @Benchmark
  public JobExecutionResult runJob() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig());
    env.setParallelism(2);
    if (job.equals("keyed")) {
      env.fromSequence(1, records)
          .keyBy(n -> n % 10_000)
          .enableAsyncState()
          .process(new Count())
          .sinkTo(new DiscardingSink<>());
    } else {
      StreamTableEnvironment tables = StreamTableEnvironment.create(env);
      tables.createTemporaryView(
          "events",
          tables.fromDataStream(
              env.fromSequence(1, records)
                  .map(n -> Row.of(n % 10_000, n))
                  .returns(Types.ROW_NAMED(new String[] {"k", "v"}, Types.LONG, Types.LONG))));
      tables
          .toChangelogStream(tables.sqlQuery("SELECT k, COUNT(*) AS c, SUM(v) AS s FROM events GROUP BY k"))
          .sinkTo(new DiscardingSink<>());
    }
    var id = new org.apache.flink.api.common.JobID();
    var graph = env.getStreamGraph().getJobGraph(getClass().getClassLoader(), id);
    cluster.submitJob(graph).get();
    JobExecutionResult result =
        cluster.requestJobResult(id).get().toJobExecutionResult(getClass().getClassLoader());
    report(id);
    return result;
  }

  private void report(org.apache.flink.api.common.JobID id) throws Exception {
    CheckpointStatsSnapshot stats =
        cluster.getArchivedExecutionGraph(id).get().getCheckpointStatsSnapshot();
    var summary = stats.getSummaryStats();
    System.out.println(
        String.format(
            Locale.ROOT,
            "FLINK-JOB backend=%s job=%s records=%d checkpoints=%d meanCheckpointMs=%d"
                + " meanCheckpointedBytes=%d meanStateBytes=%d",
            backend,
            job,
            records,
            stats.getCounts().getNumberOfCompletedCheckpoints(),
            summary.getEndToEndDurationStats().getAverage(),
            summary.getCheckpointedSize().getAverage(),
            summary.getStateSizeStats().getAverage()));
  }

  /** Counts each key's records in a value state and in a map entry. */
  public static final class Count extends KeyedProcessFunction<Long, Long, Long> {
    private transient ValueState<Long> count;
    private transient MapState<Long, Long> perBucket;

    @Override
    public void open(OpenContext context) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
      perBucket =
          getRuntimeContext().getMapState(new MapStateDescriptor<>("buckets", Types.LONG, Types.LONG));
    }

    @Override
    public void processElement(Long n, Context ctx, Collector<Long> out) {
      long bucket = n / 10_000 % 16;
      perBucket.asyncGet(bucket).thenCompose(b -> perBucket.asyncPut(bucket, b == null ? 1 : b + 1));
      count.asyncValue().thenCompose(c -> count.asyncUpdate(c == null ? 1 : c + 1));
    }
  }

}
