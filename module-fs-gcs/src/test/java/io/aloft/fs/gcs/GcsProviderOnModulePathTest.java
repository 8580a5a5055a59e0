package io.aloft.fs.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.spi.fs.FileSystemProvider;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider is found by {@link ServiceLoader} and works, both on the class path (through
 * {@code META-INF/services}) and on the module path (through {@code provides} in module-info, with the
 * generated JSON-API client, google-http-client and google-auth-library as automatic
 * modules). The module-path half compiles a small application module
 * ({@code src/test/modulepath}) and launches it in a new JVM whose module path holds only this module
 * ({@code target/classes}) and its runtime dependencies ({@code target/modules}) — no class path.
 */
class GcsProviderOnModulePathTest {

  private static final Path MODULES = Path.of(System.getProperty("aloft.module-path", "target/modules"));
  private static final Path CLASSES = Path.of("target", "classes");
  private static final Path APPLICATION_SOURCES = Path.of("src", "test", "modulepath");
  private static final String BUCKET = "blackbox";
  private static final long RUN_TIMEOUT_SECONDS = 60;

  @Test
  void serviceLoaderFindsTheProviderOnTheClassPath() {
    assertThat(ServiceLoader.load(FileSystemProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(GcsFileSystemProvider.class);
  }

  @Test
  void anApplicationOnTheModulePathFindsTheProviderAndWritesThroughIt(@TempDir Path dir)
      throws IOException, InterruptedException {
    String modulePath = MODULES.toAbsolutePath() + File.pathSeparator + CLASSES.toAbsolutePath();
    Path application = dir.resolve("application");
    compile(modulePath, application);
    FakeGcs store = SharedFakeGcs.get();

    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "--module-path",
            modulePath + File.pathSeparator + application,
            "--module",
            "io.aloft.fs.gcs.blackbox/io.aloft.fs.gcs.blackbox.Main",
            store.endpoint(),
            BUCKET);
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process process =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the application did not finish within " + RUN_TIMEOUT_SECONDS + " s");
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as("exit code; stderr:%n%s", stderr).isZero();
    assertThat(stdout)
        .contains("provider io.aloft.fs.gcs.GcsFileSystemProvider in module io.aloft.fs.gcs\n")
        .contains("client in module com.google.api.services.storage (automatic)")
        .contains("google-cloud-storage present: false")
        .contains("read back: written on the module path")
        .contains("listed: [FileEntry[location=gs://blackbox/blackbox/hello.txt, length=26]]")
        .contains("second exclusive create: already exists");
  }

  private static void compile(String modulePath, Path output) throws IOException {
    ToolProvider javac =
        ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac in this JDK"));
    List<String> args = new ArrayList<>(List.of("--release", "17", "--module-path", modulePath, "-d", output.toString()));
    try (Stream<Path> files = Files.walk(APPLICATION_SOURCES)) {
      files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).forEach(args::add);
    }
    StringWriter messages = new StringWriter();
    PrintWriter writer = new PrintWriter(messages);
    int exit = javac.run(writer, writer, args.toArray(String[]::new));
    writer.flush();
    assertThat(exit).as("javac %s%n%s", args, messages).isZero();
  }
}
