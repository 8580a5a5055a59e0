package io.aloft.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The launcher the build writes, {@code target/aloft}: the tool on the module path — {@code
 * target/modules} (the engine, picocli, every storage provider and the cache policies) and the tool's
 * classes — exactly as a user runs it. So the module descriptors (the engine's qualified exports, the
 * providers' {@code provides}) are what is tested.
 */
class LauncherCliTest {
  private static final Path LAUNCHER = Path.of("target", "aloft");

  record Run(int exitCode, String out, String err) {}

  private static Run launch(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sh", LAUNCHER.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("ALOFT_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the launcher did not finish within 120 s: " + command);
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theLauncherVerifiesTheSampleCheckpointOnTheModulePath(@TempDir Path dir) throws Exception {
    Path chk = SampleOutput.newest(SampleOutput.root());

    Run run = launch(dir, "checkpoint", "verify", chk.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("OK: ").contains("every block's checksum holds");
  }

  @Test
  void everyStorageProviderIsOnTheLaunchersModulePath(@TempDir Path dir) throws Exception {
    Run run = launch(dir, "checkpoint", "list", "nope://bucket/root");

    assertThat(run.exitCode()).isEqualTo(AloftCli.STORE_ERROR);
    assertThat(run.err()).contains("Available: [abfs, abfss, file, gs, hdfs, s3, s3a, wasb, wasbs]");
  }
}
