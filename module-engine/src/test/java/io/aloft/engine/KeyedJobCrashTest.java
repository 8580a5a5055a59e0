package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job in a child JVM is killed with SIGKILL while it checkpoints, {@value #KILLS} times, each time a
 * few milliseconds into a different checkpoint; each restart restores the newest complete checkpoint it
 * finds in the root (at another parallelism) and resumes the input at its position. At the end every
 * key's count is exactly its number of records. {@code -Daloft.test.job-crash-kills=N} kills more often.
 */
class KeyedJobCrashTest {
  @TempDir Path dir;

  private static final int KILLS = Integer.getInteger("aloft.test.job-crash-kills", 10);
  private static final int RECORDS = 8_000;

  @Test
  void aJobKilledMidCheckpointResumesExactlyFromTheNewestCompleteCheckpoint() throws Exception {
    String root = "file://" + dir.resolve("checkpoints");
    Random random = new Random(11);
    int[] parallelisms = {2, 3, 1, 4};
    List<Integer> resumedAt = new ArrayList<>();
    for (int kill = 0; kill < KILLS; kill++) {
      Process child = start(root, parallelisms[kill % 4], newestCompleteCheckpoint());
      // Kill it a little after it starts its (1 + kill % 3)-th checkpoint of this run.
      int checkpointsToSee = 1 + kill % 3;
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        int seen = 0;
        while ((line = lines.readLine()) != null) {
          if (line.startsWith("RESUMED ")) {
            resumedAt.add(Integer.parseInt(line.substring("RESUMED ".length())));
          }
          if (line.startsWith("CHECKPOINTING") && ++seen == checkpointsToSee) {
            Thread.sleep(random.nextInt(15));
            break;
          }
          assertThat(line).as("the child ended before it was killed").doesNotStartWith("FINAL");
        }
        assertThat(seen).as("checkpoints the child started before the kill").isEqualTo(checkpointsToSee);
      }
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    Process last = start(root, 3, newestCompleteCheckpoint());
    String output;
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(last.getInputStream(), StandardCharsets.UTF_8))) {
      output = String.join("\n", lines.lines().toList());
    }
    assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(last.exitValue()).as(output + new String(last.getErrorStream().readAllBytes())).isZero();

    Map<String, Integer> model = new TreeMap<>();
    for (int p = 0; p < RECORDS; p++) {
      model.merge(JobCrashChild.record(p), 1, Integer::sum);
    }
    String finalLine = output.lines().filter(l -> l.startsWith("FINAL ")).findFirst().orElseThrow();
    String resumed = output.lines().filter(l -> l.startsWith("RESUMED ")).findFirst().orElseThrow();
    int from = Integer.parseInt(resumed.substring("RESUMED ".length()));
    // The input went on across the kills: every restart resumed at a checkpoint's position, and later
    // restarts further on (a kill mid-checkpoint either completed it or left the one before).
    assertThat(resumedAt).hasSize(KILLS).startsWith(0);
    assertThat(resumedAt.get(KILLS - 1)).isPositive();
    assertThat(from).isGreaterThanOrEqualTo(resumedAt.get(KILLS - 1));
    System.out.println("restarts resumed at " + resumedAt + ", the last at " + from);
    // Keys with records after the position the last run resumed at show their final count.
    Map<String, String> expected = new TreeMap<>();
    for (int p = from; p < RECORDS; p++) {
      expected.put(JobCrashChild.record(p), Integer.toString(model.get(JobCrashChild.record(p))));
    }
    assertThat(finalLine).isEqualTo("FINAL " + expected);
  }

  private Process start(String root, int parallelism, String restore) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(classPath());
    command.add(JobCrashChild.class.getName());
    command.add(root);
    command.add(dir.resolve("local").toString());
    command.add(Integer.toString(parallelism));
    command.add(restore);
    command.add(Integer.toString(RECORDS));
    return new ProcessBuilder(command).redirectError(dir.resolve("stderr-" + System.nanoTime()).toFile()).start();
  }

  /** The test's own class and module path, as one class path. */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        entries.add(value);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  /** The newest checkpoint of the root whose restore works, or "-" for none: the restart's choice. */
  private String newestCompleteCheckpoint() throws IOException {
    Path root = dir.resolve("checkpoints");
    if (!Files.isDirectory(root)) {
      return "-";
    }
    try (Stream<Path> dirs = Files.list(root)) {
      List<Path> checkpoints =
          dirs.filter(p -> p.getFileName().toString().matches("chk-\\d+"))
              .sorted(Comparator.comparingLong((Path p) -> Long.parseLong(p.getFileName().toString().substring(4))).reversed())
              .toList();
      for (Path chk : checkpoints) {
        try (Stream<Path> parts = Files.list(chk)) {
          if (parts.anyMatch(p -> p.getFileName().toString().endsWith(".meta")) && restores(chk)) {
            return "file://" + chk;
          }
        }
      }
      return "-";
    }
  }

  /** Whether the checkpoint's parts are there and cover every key group: readComplete says which. */
  private static boolean restores(Path checkpoint) {
    try {
      io.aloft.spi.fs.StateFileSystem fs =
          new io.aloft.engine.fs.LocalFileSystemProvider().create("file", io.aloft.config.Config.empty());
      return !io.aloft.engine.checkpoint.CheckpointStore.readComplete(
              fs, io.aloft.spi.fs.Location.of("file://" + checkpoint), "crash")
          .isEmpty();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
