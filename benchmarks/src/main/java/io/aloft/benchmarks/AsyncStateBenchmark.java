package io.aloft.benchmarks;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.engine.runtime.KeyedProcessorImpl;
import io.aloft.engine.testkit.RemoteSchemeFileSystemProvider;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Issue #4's keyed job: a per-key counter over {@code keys} distinct keys (read the count, write it
 * plus one), on the {@code forst} backend whose primary directory is a {@code remote://} store that
 * waits {@code readLatency} on every read request, with the file cache off and, when there is latency,
 * the block cache off too — so a record whose key is not in a memtable costs one remote read.
 *
 * <p>{@code calls=async} is the job written with {@code asyncValue().thenAccept(asyncUpdate)}: the
 * async execution controller keeps up to {@code inFlight} records ({@code
 * execution.async-state.total-buffer-size}) in flight. {@code calls=sync} is the same job with {@code
 * value()} and {@code update()}: one record at a time. One operation is one record handed to {@code
 * processElement}; back-pressure makes that block once {@code inFlight} records are in flight, so in
 * the steady state the admission rate is the completion rate. Records still in flight when an
 * iteration ends (at most {@code inFlight}) are drained untimed, before the next one.
 *
 * <p>Little's law bound: {@code inFlight / readLatency} records per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class AsyncStateBenchmark {

  /** Time each remote read request waits; "0ms" measures the controller's own cost. */
  @Param({"10ms", "0ms"})
  public String readLatency;

  @Param({"async", "sync"})
  public String calls;

  @Param("100000")
  public int keys;

  /** {@code execution.async-state.total-buffer-size}. */
  @Param("1000")
  public int inFlight;

  /** {@code execution.async-state.active-buffer-size}; 0: a quarter of {@link #inFlight}. */
  @Param("0")
  public int batch;

  /** {@code state.backend.forst.executor.strategy}: {@code virtual} needs Java 21+. */
  @Param("virtual")
  public String strategy;

  private ScratchDir dir;
  private Aloft aloft;
  private KeyedProcessor<Long, Long, Void> processor;
  private final SplittableRandom random = new SplittableRandom(42);
  private long remoteReadsAtStart;
  private long recordsAtStart;
  private long records;
  private long cpuNanosAtStart;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = ScratchDir.create("async");
    boolean latency = !readLatency.equals("0ms");
    Config config =
        Config.empty()
            .with("state.backend.type", "forst")
            .with(
                "execution.checkpointing.dir",
                RemoteSchemeFileSystemProvider.locationOf(dir.path().resolve("checkpoints")).toString())
            .with("state.backend.forst.local-dir", dir.path().resolve("local").toString())
            .with("state.backend.forst.cache.policy", "none")
            .with("state.backend.forst.block.cache-size", latency ? "0" : "64mb")
            // A small memtable, so that most keys' newest values are in SST files, not in memory.
            .with("state.backend.forst.writebuffer.size", "256kb")
            .with("state.backend.forst.executor.strategy", strategy)
            .with("execution.async-state.total-buffer-size", inFlight)
            // Batches of a quarter of the bound, so that batches overlap: one is being processed on
            // the task thread while others wait on the store (Flink's defaults: 1000 of 6000).
            .with("execution.async-state.active-buffer-size", batch > 0 ? batch : Math.max(1, inFlight / 4))
            .with(RemoteSchemeFileSystemProvider.READ_LATENCY.key(), readLatency);
    aloft = Aloft.create(config);
    processor =
        aloft
            .keyedProcessor(new Counter(calls.equals("async")))
            .name("counter")
            .keySelector(k -> k)
            .keySerializer(Serializers.LONG)
            .build();
    // Every key gets a count first, then a checkpoint flushes the memtables: the measured records
    // read state that is in SST files on the "remote" store.
    for (long k = 0; k < keys; k++) {
      processor.processElement(k);
    }
    processor.drain();
    processor.checkpoint(1);
    remoteReadsAtStart = RemoteSchemeFileSystemProvider.readRequests();
    cpuNanosAtStart = processCpuNanos();
  }

  @Benchmark
  public void record() {
    processor.processElement(random.nextLong(keys));
    records++;
  }

  @TearDown(Level.Iteration)
  public void drain() {
    processor.drain();
    long readsNow = RemoteSchemeFileSystemProvider.readRequests();
    long cpuNow = processCpuNanos();
    long reads = readsNow - remoteReadsAtStart;
    long recs = records - recordsAtStart;
    long cpuNanos = cpuNow - cpuNanosAtStart;
    System.out.printf(
        "%n  [%s, %s] %,d records, %,d remote reads (%.2f per record), most in flight %d,"
            + " process CPU %.2f us per record%n",
        calls, readLatency, recs, reads, recs == 0 ? 0.0 : (double) reads / recs,
        ((KeyedProcessorImpl<?, ?, ?>) processor).maxInFlightRecords(),
        recs == 0 ? 0.0 : cpuNanos / 1e3 / recs);
    remoteReadsAtStart = readsNow;
    recordsAtStart = records;
    cpuNanosAtStart = cpuNow;
  }

  /**
   * CPU time of the whole process, every thread (task, read threads, flush and compaction, GC, JIT):
   * what "at equal CPU" compares, since async and sync records/s alone hide that the async job also
   * keeps the read threads busy on the second core.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    processor.close();
    aloft.close();
    dir.close();
  }

  /** Counts records per key, with async or sync state calls. */
  static final class Counter extends KeyedProcessFunction<Long, Long, Void> {
    private final boolean async;
    private ValueState<Long> count;

    Counter(boolean async) {
      this.async = async;
    }

    @Override
    public void open(StateContext context) {
      count = context.getState(new ValueStateDescriptor<>("count", Serializers.LONG));
    }

    @Override
    public void processElement(Long key, Context<Long> context, Collector<Void> out) {
      if (async) {
        count.asyncValue().thenAccept(n -> count.asyncUpdate(n == null ? 1 : n + 1));
      } else {
        Long n = count.value();
        count.update(n == null ? 1 : n + 1);
      }
    }
  }
}
