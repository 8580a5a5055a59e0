package io.aloft.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.OperatorStreamStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rescaling a job from retained checkpoints, 2 → 3 → 1 subtasks, restoring once in NO_CLAIM and once
 * in CLAIM mode, with exact results; afterwards the checkpoint directory holds exactly the files the
 * retained checkpoints reference.
 */
class AloftFlinkRescaleTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .build());

  private static final long KEYS = 30;
  private static final long PER_PHASE = 6_000;
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir Path dir;

  private Configuration config(Path recoverFrom, String claimMode) {
    Configuration c = AloftFlinkBackendTest.jobConfig(dir.resolve("checkpoints"));
    c.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    c.setString("execution.checkpointing.num-retained", "1");
    c.setString("restart-strategy.type", "none");
    if (recoverFrom != null) {
      c.setString("execution.state-recovery.path", recoverFrom.toUri().toString());
      c.setString("execution.state-recovery.claim-mode", claimMode);
      c.setString("execution.state-recovery.ignore-unclaimed-state", "true"); // each phase's own source
    }
    return c;
  }

  /**
   * Runs records {@code first..last} at {@code parallelism} until every key's summary is final and two
   * more checkpoints completed, then cancels, keeping its newest checkpoint; returns that checkpoint.
   */
  private Path phase(int parallelism, long first, long last, Path recoverFrom, String claimMode)
      throws Exception {
    AllStateKindsJob.RESULTS.clear();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(config(recoverFrom, claimMode));
    env.setParallelism(parallelism);
    env.fromSource(
            new DataGeneratorSource<>(
                i -> first + i, Long.MAX_VALUE, RateLimiterStrategy.perSecond(20_000), Types.LONG),
            WatermarkStrategy.noWatermarks(),
            "numbers from " + first)
        .uid("numbers-" + first)
        .filter(v -> v <= last)
        .map(new AllStateKindsJob.FailOnce(false))
        .keyBy(v -> v % KEYS)
        .enableAsyncState()
        .process(new AllStateKindsJob.Counter(last, KEYS))
        .uid("counter")
        .sinkTo(new AllStateKindsJob.LatestPerKey());
    JobClient job = env.executeAsync("phase up to " + last);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!finalSummaries(last) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    int checkpoints = AllStateKindsJob.CHECKPOINTS_DONE.get();
    while (AllStateKindsJob.CHECKPOINTS_DONE.get() < checkpoints + 2 * parallelism
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    job.cancel().get();
    while (!job.getJobStatus().get().isGloballyTerminalState() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.CANCELED);
    for (long k = 0; k < KEYS; k++) {
      assertThat(AllStateKindsJob.RESULTS.get(k))
          .as("key %d after records up to %d at parallelism %d", k, last, parallelism)
          .isEqualTo(AllStateKindsJob.expected(k, last, KEYS));
    }
    return newestCheckpoint(job.getJobID().toHexString());
  }

  private boolean finalSummaries(long last) {
    for (long k = 0; k < KEYS; k++) {
      if (!AllStateKindsJob.expected(k, last, KEYS).equals(AllStateKindsJob.RESULTS.get(k))) {
        return false;
      }
    }
    return true;
  }

  private Path newestCheckpoint(String jobId) throws IOException {
    try (Stream<Path> chks = Files.list(dir.resolve("checkpoints").resolve(jobId))) {
      return chks.filter(p -> p.getFileName().toString().startsWith("chk-"))
          .filter(p -> Files.exists(p.resolve("_metadata")))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))))
          .orElseThrow(() -> new AssertionError("job " + jobId + " retained no checkpoint"));
    }
  }

  @Test
  void rescalesFromRetainedCheckpointsAndLeavesExactlyTheReferencedFiles() throws Exception {
    AllStateKindsJob.reset();
    Path a = phase(2, 1, PER_PHASE, null, null);
    Path b = phase(3, PER_PHASE + 1, 2 * PER_PHASE, a, "NO_CLAIM");
    Path c = phase(1, 2 * PER_PHASE + 1, 3 * PER_PHASE, b, "CLAIM");

    // Checkpoints retained: a's (NO_CLAIM left it to the user) and c's (which claimed b's).
    assertThat(a.resolve("_metadata")).exists();
    assertThat(c.resolve("_metadata")).exists();
    Set<String> referenced = new TreeSet<>();
    referencedBy(a, referenced);
    referencedBy(c, referenced);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    Set<String> present = presentFiles();
    while (!present.equals(referenced) && System.nanoTime() < deadline) {
      Thread.sleep(100); // Flink discards subsumed checkpoints and Aloft disposes asynchronously
      present = presentFiles();
    }
    Set<String> missing = new TreeSet<>(referenced);
    missing.removeAll(present);
    Set<String> leaked = new TreeSet<>(present);
    leaked.removeAll(referenced);
    assertThat(missing).as("files the retained checkpoints need").isEmpty();
    assertThat(leaked).as("files no retained checkpoint needs").isEmpty();
    assertThat(referenced).as("shared files counted").anyMatch(f -> f.contains("/shared/aloft/"));
  }

  /** Every file but the checkpoints' _metadata, below the checkpoint base directory. */
  private Set<String> presentFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("checkpoints"))) {
      return files.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().equals("_metadata"))
          .map(p -> p.toAbsolutePath().normalize().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static void referencedBy(Path checkpoint, Set<String> into) throws IOException {
    CheckpointMetadata metadata;
    try (InputStream in = Files.newInputStream(checkpoint.resolve("_metadata"))) {
      metadata =
          Checkpoints.loadCheckpointMetadata(
              new DataInputStream(in), AloftFlinkRescaleTest.class.getClassLoader(), checkpoint.toString());
    }
    for (OperatorState operator : metadata.getOperatorStates()) {
      for (OperatorSubtaskState subtask : operator.getStates()) {
        Stream.of(
                subtask.getManagedKeyedState(),
                subtask.getRawKeyedState(),
                subtask.getManagedOperatorState(),
                subtask.getRawOperatorState())
            .flatMap(c -> c.stream())
            .forEach(handle -> collect(handle, into));
      }
    }
  }

  private static void collect(StateObject handle, Set<String> into) {
    if (handle instanceof IncrementalRemoteKeyedStateHandle part) {
      for (HandleAndLocalPath f : part.getSharedState()) {
        collect(f.getHandle(), into);
      }
      for (HandleAndLocalPath f : part.getPrivateState()) {
        collect(f.getHandle(), into);
      }
      collect(part.getMetaDataStateHandle(), into);
    } else if (handle instanceof KeyGroupsStateHandle groups) {
      collect(groups.getDelegateStateHandle(), into);
    } else if (handle instanceof OperatorStreamStateHandle operator) {
      collect(operator.getDelegateStateHandle(), into);
    } else if (handle instanceof FileStateHandle file) {
      into.add(Path.of(file.getFilePath().toUri()).toAbsolutePath().normalize().toString());
    }
  }

}
