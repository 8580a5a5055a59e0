package io.aloft.samples.flink;

import io.aloft.flink.AloftStateBackendFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.v2.MapState;
import org.apache.flink.api.common.state.v2.MapStateDescriptor;
import org.apache.flink.api.common.state.v2.ValueState;
import org.apache.flink.api.common.state.v2.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A Flink DataStream job whose keyed state Aloft serves: 200,000 clicks of 1,000 users on 20 pages,
 * counted per user ({@code ValueState}) and per user and page ({@code MapState}) with async state, on
 * Aloft's {@code forst} backend over a local directory, checkpointing every 500 ms. A failure is
 * injected after the first checkpoint: Flink restores every subtask from it (Aloft opens the files in
 * place) and replays the input from there. Prints what happened and checks that every click counted
 * exactly once.
 *
 * <p>Run: {@code ./mvnw -q -Pflink-sample package -DskipTests}. Flink runs in-process (a local
 * MiniCluster); the checkpoints go to {@code /tmp/aloft-flink-sample}.
 */
public final class FlinkClickCounts {

  static final long CLICKS = 200_000;
  static final long USERS = 1_000;
  static final long PAGES = 20;

  static final Map<Long, String> LAST_COUNT = new ConcurrentHashMap<>();
  static final AtomicInteger CHECKPOINTS = new AtomicInteger();
  static final AtomicBoolean FAILED = new AtomicBoolean();

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "aloft-flink-sample");
    deleteRecursively(dir);
    Configuration config = new Configuration();
    config.setString("state.backend.type", AloftStateBackendFactory.class.getName());
    config.setString("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
    config.setString("execution.checkpointing.interval", "500 ms");
    config.setString("restart-strategy.type", "fixed-delay");
    config.setString("restart-strategy.fixed-delay.attempts", "3");
    config.setString("restart-strategy.fixed-delay.delay", "200 ms");
    config.setString("state.backend.forst.writebuffer.size", "1mb");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    env.setParallelism(2);
    env.fromSequence(1, CLICKS)
        .map(new FailOnceAfterACheckpoint())
        .keyBy(click -> click % USERS)
        .enableAsyncState()
        .process(new CountClicks())
        .sinkTo(new LastCountPerUser());

    System.out.printf(
        "Counting %,d clicks of %,d users on Flink %s with Aloft's forst backend (checkpoints in %s)%n",
        CLICKS, USERS, org.apache.flink.runtime.util.EnvironmentInformation.getVersion(), dir);
    long start = System.nanoTime();
    JobExecutionResult result = env.execute("aloft click counts");
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "Job finished in %,d ms (%,.0f clicks/s): %d checkpoints completed, a failure injected after"
            + " the first: %s, recovered from the last checkpoint%n",
        millis, CLICKS * 1000.0 / Math.max(1, millis), CHECKPOINTS.get() / 2, FAILED.get());

    long wrong = 0;
    for (long user = 0; user < USERS; user++) {
      long expected = CLICKS / USERS;
      if (!(user + " clicks=" + expected).equals(LAST_COUNT.get(user))) {
        wrong++;
      }
    }
    TreeMap<String, Long> sample = new TreeMap<>();
    for (long user = 0; user < 3; user++) {
      sample.put("user " + user, Long.parseLong(LAST_COUNT.get(user).split("=")[1]));
    }
    System.out.printf(
        "Every click counted exactly once: %s (%d of %d users wrong); for example %s%n",
        wrong == 0 ? "yes" : "NO", wrong, USERS, sample);
    System.out.printf(
        "Left in the checkpoint directory: %d checkpoint(s) and the %d state files they name (Flink"
            + " deleted the rest; Aloft deleted the files no checkpoint named)%n",
        countFiles(dir, "_metadata"), countFiles(dir, ".sst"));
    // Flink's local cluster may leave non-daemon threads behind; the sample is done.
    System.exit(wrong == 0 ? 0 : 1);
  }

  /** Fails once, on a click after the first checkpoint completed; paces the input so checkpoints happen. */
  static final class FailOnceAfterACheckpoint extends RichMapFunction<Long, Long>
      implements CheckpointListener {
    @Override
    public Long map(Long click) throws Exception {
      if (click % 50 == 0) {
        Thread.sleep(1);
      }
      if (CHECKPOINTS.get() > 0 && click % 997 == 0 && FAILED.compareAndSet(false, true)) {
        throw new RuntimeException("injected failure at click " + click);
      }
      return click;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTS.incrementAndGet();
    }
  }

  /** Counts a user's clicks, and per page; the click that completes a user's count reports it. */
  static final class CountClicks extends KeyedProcessFunction<Long, Long, String> {
    private transient ValueState<Long> clicks;
    private transient MapState<Long, Long> perPage;

    @Override
    public void open(OpenContext context) {
      clicks = getRuntimeContext().getState(new ValueStateDescriptor<>("clicks", Types.LONG));
      perPage =
          getRuntimeContext().getMapState(new MapStateDescriptor<>("per-page", Types.LONG, Types.LONG));
    }

    @Override
    public void processElement(Long click, Context ctx, Collector<String> out) {
      long user = ctx.getCurrentKey();
      long page = click / USERS % PAGES;
      perPage.asyncGet(page).thenCompose(n -> perPage.asyncPut(page, n == null ? 1 : n + 1));
      clicks
          .asyncValue()
          .thenCompose(
              n -> {
                long next = n == null ? 1 : n + 1;
                return clicks.asyncUpdate(next).thenApply(ignored -> next);
              })
          .thenAccept(
              next -> {
                if (next == CLICKS / USERS) {
                  out.collect(user + " clicks=" + next);
                }
              });
    }
  }

  static final class LastCountPerUser implements Sink<String> {
    @Override
    public SinkWriter<String> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(String element, Context context) {
          LAST_COUNT.put(Long.parseLong(element.substring(0, element.indexOf(' '))), element);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }

  private static long countFiles(Path dir, String suffix) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(suffix)).count();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
