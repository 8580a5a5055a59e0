package io.aloft.fs.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.Location;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider is found by {@link ServiceLoader} and works, on the module path (through
 * {@code provides} in module-info, with Hadoop's shaded client jars as automatic modules: their
 * packages do not overlap, so they resolve) and on the class path (through {@code META-INF/services}). Each route compiles a small application
 * ({@code src/test/modulepath}) and launches it in a new JVM that holds only this module
 * ({@code target/classes}) and its runtime dependencies ({@code target/modules}), writing to the shared
 * MiniDFSCluster.
 */
class HdfsProviderOnModulePathTest {

  private static final Path MODULES = Path.of(System.getProperty("aloft.module-path", "target/modules"));
  private static final Path CLASSES = Path.of("target", "classes");
  private static final Path APPLICATION_SOURCES = Path.of("src", "test", "modulepath");
  private static final String MAIN = "io.aloft.fs.hdfs.blackbox.Main";
  private static final long RUN_TIMEOUT_SECONDS = 60;

  @Test
  void serviceLoaderFindsTheProviderOnTheTestClassPath() {
    assertThat(ServiceLoader.load(FileSystemProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(HdfsFileSystemProvider.class);
  }

  @Test
  void anApplicationOnTheModulePathFindsTheProviderAndWritesThroughIt(@TempDir Path dir)
      throws IOException, InterruptedException {
    String modulePath = path(jars(), CLASSES);
    Path application = dir.resolve("application");
    compile(List.of("--module-path", modulePath), application);
    Location directory = MiniHdfs.shared().freshDirectory("module-path");

    String stdout =
        run(
            dir,
            List.of(
                // Only the JDK modules that the application and this module's descriptor require:
                // proves the descriptor names every JDK module Hadoop's client needs.
                "--limit-modules",
                "io.aloft.fs.hdfs.blackbox,io.aloft.fs.hdfs",
                "--module-path",
                modulePath + File.pathSeparator + application,
                "--module",
                "io.aloft.fs.hdfs.blackbox/" + MAIN,
                directory.toString()));

    assertThat(stdout)
        .contains("provider io.aloft.fs.hdfs.HdfsFileSystemProvider in module io.aloft.fs.hdfs\n")
        .contains("hadoop client in module hadoop.client.api (automatic)")
        .contains("read back: written through the HDFS provider")
        .contains("listed: [FileEntry[location=" + directory.resolve("hello.txt") + ", length=33]]");
  }

  @Test
  void anApplicationOnTheClassPathFindsTheProviderAndWritesThroughIt(@TempDir Path dir)
      throws IOException, InterruptedException {
    String classPath = path(jars(), CLASSES);
    Path application = dir.resolve("application");
    // The same sources, but the descriptor stays out: on the class path every jar is unnamed.
    compile(List.of("--class-path", classPath), application, "module-info.java");
    Location directory = MiniHdfs.shared().freshDirectory("class-path");

    String stdout =
        run(dir, List.of("--class-path", classPath + File.pathSeparator + application, MAIN, directory.toString()));

    assertThat(stdout)
        .contains("provider io.aloft.fs.hdfs.HdfsFileSystemProvider in the unnamed module (class path)\n")
        .contains("hadoop client in the unnamed module (class path)")
        .contains("read back: written through the HDFS provider")
        .contains("listed: [FileEntry[location=" + directory.resolve("hello.txt") + ", length=33]]");
  }

  private static List<Path> jars() throws IOException {
    try (Stream<Path> files = Files.list(MODULES)) {
      return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
    }
  }

  private static String path(List<Path> jars, Path classes) {
    return Stream.concat(jars.stream(), Stream.of(classes))
        .map(p -> p.toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static String run(Path dir, List<String> arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.addAll(arguments);
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process process =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the application did not finish within " + RUN_TIMEOUT_SECONDS + " s");
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("exit code of %s; stderr:%n%s", command, stderr).isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static void compile(List<String> path, Path output, String... excluded) throws IOException {
    ToolProvider javac =
        ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac in this JDK"));
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d", output.toString()));
    args.addAll(path);
    List<String> skip = List.of(excluded);
    try (Stream<Path> files = Files.walk(APPLICATION_SOURCES)) {
      files
          .filter(f -> f.toString().endsWith(".java") && !skip.contains(f.getFileName().toString()))
          .map(Path::toString)
          .forEach(args::add);
    }
    StringWriter messages = new StringWriter();
    PrintWriter writer = new PrintWriter(messages);
    int exit = javac.run(writer, writer, args.toArray(String[]::new));
    writer.flush();
    assertThat(exit).as("javac %s%n%s", args, messages).isZero();
  }
}
