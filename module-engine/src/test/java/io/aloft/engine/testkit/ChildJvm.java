package io.aloft.engine.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a small application in a new JVM, to prove a plugin works where users run it: on the module
 * path (through {@code provides} in its module-info) or on the class path (through
 * {@code META-INF/services}). Used from a plugin module's tests, whose working directory is the module:
 * the application's sources are in {@code src/test/modulepath}, the plugin's classes in
 * {@code target/classes}, and its runtime dependencies in {@code -Daloft.module-path} (default
 * {@code target/modules}, where the module's pom copies them).
 */
public final class ChildJvm {

  private static final Path MODULES = Path.of(System.getProperty("aloft.module-path", "target/modules"));
  private static final Path CLASSES = Path.of("target", "classes");
  private static final Path APPLICATION_SOURCES = Path.of("src", "test", "modulepath");
  private static final long RUN_TIMEOUT_SECONDS = 60;

  private ChildJvm() {}

  /** The plugin and its runtime dependencies, as a module path or class path. */
  public static String pluginPath() throws IOException {
    List<Path> jars;
    try (Stream<Path> files = Files.list(MODULES)) {
      jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
    }
    return Stream.concat(jars.stream(), Stream.of(CLASSES))
        .map(p -> p.toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  /**
   * Compiles the application in {@code src/test/modulepath} into {@code output}, with {@code path}
   * ({@code --module-path …} or {@code --class-path …}), leaving out files named {@code excluded}
   * (such as {@code module-info.java} for the class path).
   */
  public static void compileApplication(List<String> path, Path output, String... excluded) throws IOException {
    ToolProvider javac =
        ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac in this JDK"));
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d", output.toString()));
    args.addAll(path);
    List<String> skip = List.of(excluded);
    try (Stream<Path> files = Files.walk(APPLICATION_SOURCES)) {
      files
          .filter(f -> f.toString().endsWith(".java"))
          .filter(f -> !skip.contains(f.getFileName().toString()))
          .map(Path::toString)
          .forEach(args::add);
    }
    StringWriter messages = new StringWriter();
    PrintWriter writer = new PrintWriter(messages);
    int exit = javac.run(writer, writer, args.toArray(String[]::new));
    writer.flush();
    assertThat(exit).as("javac %s%n%s", args, messages).isZero();
  }

  /**
   * Compiles the application in {@code src/test/modulepath} against the plugin's module path and runs
   * its {@code module/main class} there — no class path — with {@code jvmOptions} before the module
   * path and {@code arguments} after the main class; checks and returns its standard output as
   * {@link #run} does.
   */
  public static String runOnModulePath(Path dir, List<String> jvmOptions, String main, List<String> arguments)
      throws IOException, InterruptedException {
    String modulePath = pluginPath();
    Path application = dir.resolve("application");
    compileApplication(List.of("--module-path", modulePath), application);
    List<String> command = new ArrayList<>(jvmOptions);
    command.addAll(List.of("--module-path", modulePath + File.pathSeparator + application, "--module", main));
    command.addAll(arguments);
    return run(dir, command);
  }

  /**
   * Runs {@code java <arguments>} (C1 only and the serial GC: a short run) with its output in
   * {@code dir}, waits at most a minute, checks that it exited with 0 and returns its standard output.
   */
  public static String run(Path dir, List<String> arguments) throws IOException, InterruptedException {
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
      throw new AssertionError("the application did not finish within " + RUN_TIMEOUT_SECONDS + " s: " + command);
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("exit code of %s; stderr:%n%s", command, stderr).isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
