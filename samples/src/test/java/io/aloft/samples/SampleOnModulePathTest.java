package io.aloft.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blackbox test: launches the sample in a new JVM on the module path, exactly as the README does,
 * so the module descriptors (exports, {@code uses}, {@code provides}) are what is tested — not the
 * class path the unit tests run on.
 */
class SampleOnModulePathTest {
  private static final Path MODULES = Path.of("target", "modules");
  private static final Path CLASSES = Path.of("target", "classes");

  record Run(int exitCode, String stdout, String stderr) {}

  static Run runSample(Path config) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("--module-path");
    command.add(MODULES.toAbsolutePath() + File.pathSeparator + CLASSES.toAbsolutePath());
    command.add("--module");
    command.add("io.aloft.samples/io.aloft.samples.ClickstreamJob");
    command.add(config.toAbsolutePath().toString());
    Path out = Files.createTempFile("sample", ".out");
    Path err = Files.createTempFile("sample", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the sample did not finish within 120 s");
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void theSampleRunsOnTheModulePathCheckpointsRestoresAndCountsEveryClickOnce() throws Exception {
    Run run = runSample(Path.of("config.yaml"));
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("state backend 'forst'")
        .contains("Processed 100,000 clicks")
        .containsPattern("Checkpoint \\d+ at .*, input position 100000")
        .contains("Started a keyed job of 2 subtasks")
        .contains("into 3 subtasks, resuming the input at position 100000")
        .contains("0 copied")
        .contains("Restored from")
        .contains("every click counted once");
  }

  @Test
  void aBackendWhoseModuleIsAbsentIsNamedInTheError(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "state.backend.type: rocksdb\n");
    Run run = runSample(config);
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr())
        .contains("MissingPluginException")
        .contains("state.backend.type")
        .contains("io.aloft.rocksdb");
  }

  @Test
  void anUnknownForstKeyIsNamedInTheError(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "state:\n  backend:\n    forst:\n      writebuffer.sise: 64mb\n");
    Run run = runSample(config);
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr())
        .contains("state.backend.forst.writebuffer.sise")
        .contains("state.backend.forst.writebuffer.size");
  }
}
