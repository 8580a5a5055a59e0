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
import org.apache.flink.core.fs.FileSystem;
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
 * ({@code forst}, forstjni), both keeping their files in the checkpoint directory, in one MiniCluster
 * per trial (1 task manager, 2 slots, parallelism 2), checkpoints every second:
 *
 * <ul>
 *   <li>{@code keyed}: {@code records} numbers keyed by {@code n % 10000}, each counted in a {@code
 *       ValueState} (read, then write) and in a {@code MapState} entry of its key (get, then put);
 *   <li>{@code sql}: {@code SELECT k, COUNT(*), SUM(v) FROM events GROUP BY k} over the same numbers,
 *       with {@code table.exec.async-state.enabled: true};
 *   <li>{@code failover}: the keyed job, failing once after three quarters of its records (once a
 *       checkpoint completed) and restarting at once from that checkpoint: its score includes the
 *       failover, and it reports how long the restore took.
 * </ul>
 *
 * The checkpoint directory is on the {@code store}: {@code local}, a local directory; {@code remote},
 * the same directory as the {@code remote://} test store, where every read request first waits {@code
 * readLatencyMs} (Aloft reads it through the engine test kit's storage provider, Flink and its ForSt
 * through the Flink file system of module-flink's test kit), with each engine's local file cache off so
 * that the latency is on the path (block caches stay at their defaults).
 *
 * <p>The score is the time per job (records/s = records / score). After each job a line {@code
 * FLINK-JOB ...} gives its checkpoints (how many completed, their mean end-to-end duration, the mean
 * checkpointed and full state size), the files and bytes in the job's checkpoint directory (sampled
 * every 500 ms while the job ran: mean and max), and Flink's own measure of each start ({@code
 * maxInitializeStateDurationMs} of Flink's {@code JobInitialization} trace: the slowest subtask's time
 * to restore its state and open its operators): {@code startMs} for the first start, {@code
 * restoreMs} for each restart from a checkpoint.
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

  @Param({"keyed", "sql", "failover"})
  public String job;

  @Param({"local", "remote"})
  public String store;

  @Param("10")
  public int readLatencyMs;

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
    c.setString("testkit.remote.read-latency", readLatencyMs + " ms");
    c.setString("traces.reporters", "bench");
    c.setString("traces.reporter.bench.factory.class", FlinkSpans.Factory.class.getName());
    FileSystem.initialize(c, null); // a MiniCluster does not: the remote:// factory reads its latency here
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

  private Configuration jobConfig(java.nio.file.Path checkpoints) {
    Configuration c = new Configuration();
    c.setString(
        "state.backend.type", backend.equals("aloft") ? AloftStateBackendFactory.class.getName() : "forst");
    c.setString(
        "execution.checkpointing.dir",
        store.equals("local") ? checkpoints.toUri().toString() : "remote://" + checkpoints.toAbsolutePath());
    if (store.equals("remote")) {
      c.setString("testkit.remote.read-latency", readLatencyMs + " ms");
      if (backend.equals("aloft")) {
        c.setString("state.backend.forst.cache.policy", "none");
      } else {
        c.setString("state.backend.forst.cache.size-based-limit", "0");
        c.setString("state.backend.forst.cache.reserve-size", "0");
      }
    }
    if (job.equals("failover")) {
      c.setString("restart-strategy.type", "fixed-delay");
      c.setString("restart-strategy.fixed-delay.attempts", "1");
      c.setString("restart-strategy.fixed-delay.delay", "0 ms");
    } else {
      c.setString("restart-strategy.type", "none");
    }
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
    java.nio.file.Path checkpoints = dir.path().resolve("checkpoints-" + run++);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig(checkpoints));
    env.setParallelism(2);
    FailOnce.reset(job.equals("failover") ? records * 3 / 4 : Long.MAX_VALUE);
    FlinkSpans.takeInitializations();
    if (!job.equals("sql")) {
      env.fromSequence(1, records)
          .map(new FailOnce())
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
    StoreSampler sampler = new StoreSampler(checkpoints);
    JobExecutionResult result;
    try {
      cluster.submitJob(graph).get();
      result = cluster.requestJobResult(id).get().toJobExecutionResult(getClass().getClassLoader());
    } finally {
      sampler.close();
    }
    report(id, sampler);
    return result;
  }

  private void report(org.apache.flink.api.common.JobID id, StoreSampler sampler) throws Exception {
    CheckpointStatsSnapshot stats =
        cluster.getArchivedExecutionGraph(id).get().getCheckpointStatsSnapshot();
    var summary = stats.getSummaryStats();
    // Flink traces the first start too (with nothing to restore); the spans after it are restores.
    var spans = FlinkSpans.takeInitializations();
    Object start = spans.isEmpty() ? "-" : spans.get(0).get("maxInitializeStateDurationMs");
    StringBuilder restores = new StringBuilder();
    for (var span : spans.subList(Math.min(1, spans.size()), spans.size())) {
      restores
          .append(restores.length() == 0 ? "" : ",")
          .append(span.get("maxInitializeStateDurationMs"));
    }
    System.out.println(
        String.format(
            Locale.ROOT,
            "FLINK-JOB backend=%s job=%s store=%s records=%d failedOnce=%s checkpoints=%d"
                + " meanCheckpointMs=%d meanCheckpointedBytes=%d meanStateBytes=%d"
                + " storeFilesMean=%d storeFilesMax=%d storeBytesMean=%d storeBytesMax=%d"
                + " startMs=%s restoreMs=[%s] pid=%d",
            backend,
            job,
            store,
            records,
            FailOnce.FAILED.get(),
            stats.getCounts().getNumberOfCompletedCheckpoints(),
            summary.getEndToEndDurationStats().getAverage(),
            summary.getCheckpointedSize().getAverage(),
            summary.getStateSizeStats().getAverage(),
            sampler.meanFiles(),
            sampler.maxFiles,
            sampler.meanBytes(),
            sampler.maxBytes,
            start,
            restores,
            ProcessHandle.current().pid()));
  }

  /** Counts the files and bytes below a directory every 500 ms on a daemon thread. */
  private static final class StoreSampler implements AutoCloseable {
    private final java.nio.file.Path root;
    private final Thread thread;
    private volatile boolean stop;
    private long samples;
    private long files;
    private long bytes;
    volatile long maxFiles;
    volatile long maxBytes;

    StoreSampler(java.nio.file.Path root) {
      this.root = root;
      this.thread = new Thread(this::run, "store-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (!stop) {
        long[] now = count();
        if (now[0] > 0) {
          synchronized (this) {
            samples++;
            files += now[0];
            bytes += now[1];
            maxFiles = Math.max(maxFiles, now[0]);
            maxBytes = Math.max(maxBytes, now[1]);
          }
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private long[] count() {
      long[] fb = new long[2];
      try (var walk = java.nio.file.Files.walk(root)) {
        walk.forEach(
            f -> {
              try {
                if (java.nio.file.Files.isRegularFile(f)) {
                  fb[0]++;
                  fb[1] += java.nio.file.Files.size(f);
                }
              } catch (java.io.IOException e) {
                // deleted while counted
              }
            });
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        // not created yet, or changed under the walk: this sample is skipped
        return new long[2];
      }
      return fb;
    }

    synchronized long meanFiles() {
      return samples == 0 ? 0 : files / samples;
    }

    synchronized long meanBytes() {
      return samples == 0 ? 0 : bytes / samples;
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.interrupt();
      thread.join();
    }
  }

  /**
   * Passes numbers on; the first number at or above {@code failAt} seen after a checkpoint completed
   * fails the task once (Flink then restores the job from that checkpoint).
   */
  public static final class FailOnce
      implements org.apache.flink.api.common.functions.MapFunction<Long, Long>,
          org.apache.flink.api.common.state.CheckpointListener {
    static final java.util.concurrent.atomic.AtomicBoolean FAILED =
        new java.util.concurrent.atomic.AtomicBoolean();
    static final java.util.concurrent.atomic.AtomicLong CHECKPOINTS =
        new java.util.concurrent.atomic.AtomicLong();
    static volatile long failAt = Long.MAX_VALUE;

    static void reset(long at) {
      FAILED.set(false);
      CHECKPOINTS.set(0);
      failAt = at;
    }

    @Override
    public Long map(Long n) {
      if (n >= failAt && CHECKPOINTS.get() > 0 && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure at record " + n);
      }
      return n;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTS.incrementAndGet();
    }
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
