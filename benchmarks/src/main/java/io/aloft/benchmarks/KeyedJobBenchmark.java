package io.aloft.benchmarks;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.process.Collector;
import io.aloft.process.KeyedJob;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.process.KeyedProcessor;
import io.aloft.process.StateContext;
import io.aloft.serde.Serializers;
import io.aloft.state.MapState;
import io.aloft.state.MapStateDescriptor;
import io.aloft.state.StateFuture;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.io.IOException;
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
 * Issue #16: the sample's job — clicks per user in one-minute event-time windows (a map state of open
 * windows, a value state of totals, a timer per window) — on {@code forst} over {@code file://}, run as
 * the single {@link KeyedProcessor} of before ({@code processor}) or as a {@link KeyedJob} of 1 or 2
 * subtasks ({@code job-1}, {@code job-2}): what routing through the job's queues and threads costs, and
 * what a second subtask gains on this machine. One operation is one click handed to the processor or
 * job, with a watermark every 1,000; a job's queues bound the clicks not yet processed, so in the
 * steady state the rate is the processing rate. Clicks still queued when an iteration ends are drained
 * untimed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class KeyedJobBenchmark {

  @Param({"processor", "job-1", "job-2"})
  public String run;

  @Param("2000")
  public int users;

  /** The sample's function: clicks per user and one-minute window. */
  public static final class WindowedCounts extends KeyedProcessFunction<String, Long, Long> {
    private MapState<Long, Long> perWindow;
    private ValueState<Long> total;

    @Override
    public void open(StateContext context) {
      perWindow = context.getMapState(new MapStateDescriptor<>("per-window", Serializers.LONG, Serializers.LONG));
      total = context.getState(new ValueStateDescriptor<>("total", Serializers.LONG));
    }

    @Override
    public void processElement(Long time, Context<String> context, Collector<Long> out) {
      long windowEnd = time - Math.floorMod(time, 60_000L) + 60_000L;
      context.timerService().registerEventTimeTimer(windowEnd - 1);
      StateFuture<Long> inWindow = perWindow.asyncGet(windowEnd);
      StateFuture<Long> sum = total.asyncValue();
      inWindow.thenCompose(n -> perWindow.asyncPut(windowEnd, n == null ? 1 : n + 1));
      sum.thenCompose(n -> total.asyncUpdate(n == null ? 1 : n + 1));
    }

    @Override
    public void onTimer(long timestamp, Context<String> context, Collector<Long> out) {
      perWindow.asyncGet(timestamp + 1).thenAccept(out::collect).thenCompose(v -> perWindow.asyncRemove(timestamp + 1));
    }
  }

  /** The user of a click (the key) rides in the thread-confined field below: clicks are times. */
  private String[] userNames;
  private ScratchDir dir;
  private Aloft aloft;
  private KeyedProcessor<String, Long, Long> processor;
  private KeyedJob<Click, Long> job;
  private final SplittableRandom random = new SplittableRandom(42);
  private long eventTime;
  private long sent;

  /** A click: its user and time. */
  public record Click(String user, long time) {}

  /** Adapts the function to clicks for the job, whose key selector reads the user. */
  public static final class ClickCounts extends KeyedProcessFunction<String, Click, Long> {
    private final WindowedCounts counts = new WindowedCounts();

    @Override
    public void open(StateContext context) {
      counts.open(context);
    }

    @Override
    public void processElement(Click click, Context<String> context, Collector<Long> out) {
      counts.processElement(click.time(), context, out);
    }

    @Override
    public void onTimer(long timestamp, Context<String> context, Collector<Long> out) {
      counts.onTimer(timestamp, context, out);
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = ScratchDir.create("keyed-job");
    userNames = new String[users];
    for (int i = 0; i < users; i++) {
      userNames[i] = "user-" + i;
    }
    Config config =
        Config.empty()
            .with("state.backend.type", "forst")
            .with("execution.checkpointing.dir", "file://" + dir.path().resolve("checkpoints"))
            .with("state.backend.forst.local-dir", dir.path().resolve("local").toString())
            .with("state.backend.forst.writebuffer.size", "4mb");
    aloft = Aloft.create(config);
    if (run.equals("processor")) {
      processor =
          aloft
              .<String, Long, Long>keyedProcessor(new WindowedCounts())
              .keySelector(time -> current)
              .keySerializer(Serializers.STRING)
              .build();
    } else {
      job =
          aloft
              .<String, Click, Long>keyedJob(ClickCounts::new)
              .keySelector(Click::user)
              .keySerializer(Serializers.STRING)
              .parallelism(Integer.parseInt(run.substring("job-".length())))
              .build();
    }
  }

  private String current; // the processor's key selector reads the click's user here

  @Benchmark
  public void click() {
    eventTime += random.nextInt(60);
    String user = userNames[random.nextInt(users)];
    if (processor != null) {
      current = user;
      processor.processElement(eventTime, eventTime);
    } else {
      job.processElement(new Click(user, eventTime), eventTime);
    }
    if (++sent % 1_000 == 0) {
      if (processor != null) {
        processor.processWatermark(eventTime - 5_000);
      } else {
        job.processWatermark(eventTime - 5_000);
      }
    }
  }

  @TearDown(Level.Iteration)
  public void drain() {
    if (processor != null) {
      processor.drain();
    } else {
      job.drain();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (processor != null) {
      processor.close();
    } else {
      job.close();
    }
    aloft.close();
    dir.close();
  }
}
