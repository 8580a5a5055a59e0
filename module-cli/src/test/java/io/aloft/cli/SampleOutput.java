package io.aloft.cli;

import io.aloft.samples.ClickstreamJob;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * The clickstream sample's output, made once per test JVM: {@link ClickstreamJob} itself runs with
 * {@code samples/config.yaml}'s settings, its checkpoint root in a temporary directory, and two
 * checkpoints retained instead of one (so that {@code checkpoint diff} has two to compare). Tests that
 * damage files work on {@link #copy copies}.
 */
final class SampleOutput {
  private SampleOutput() {}

  private static Path base;
  private static String sampleStdout;

  /** The sample's checkpoint root (read only: copy it to damage it). */
  static synchronized Path root() {
    if (base == null) {
      try {
        base = Files.createTempDirectory("aloft-cli-sample-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(base)));
        Path root = base.resolve("checkpoints");
        Path config = base.resolve("config.yaml");
        Files.writeString(config, String.join("\n",
            "state.backend.type: forst",
            "execution.checkpointing.dir: " + root.toUri(),
            "execution.checkpointing.interval: 1 s",
            "execution.checkpointing.num-retained: 2",
            "pipeline.max-parallelism: 128",
            "state.backend.forst.writebuffer.size: 4mb",
            "state.backend.forst.block.cache-size: 16mb",
            ""));
        PrintStream out = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
          ClickstreamJob.main(new String[] {config.toString()});
        } finally {
          System.setOut(out);
        }
        sampleStdout = captured.toString(StandardCharsets.UTF_8);
        if (!sampleStdout.contains("every click counted once")) {
          throw new AssertionError("the sample failed:\n" + sampleStdout);
        }
      } catch (Exception e) {
        throw new AssertionError("running the sample failed", e);
      }
    }
    return base.resolve("checkpoints");
  }

  /** What the sample printed. */
  static synchronized String stdout() {
    root();
    return sampleStdout;
  }

  /** The checkpoint directories of the sample's root, oldest first. */
  static List<Path> checkpoints(Path root) {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> d.getFileName().toString().matches("chk-[0-9]+"))
          .sorted(java.util.Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest checkpoint of {@code root}. */
  static Path newest(Path root) {
    List<Path> all = checkpoints(root);
    return all.get(all.size() - 1);
  }

  /** A copy of the sample's root in {@code dir}, to damage. */
  static Path copy(Path dir) throws IOException {
    Path from = root();
    Path to = dir.resolve("checkpoints");
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(d).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        Files.copy(f, to.resolve(from.relativize(f).toString()),
            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        return FileVisitResult.CONTINUE;
      }
    });
    return to;
  }

  /** Every SST file below {@code dir}, sorted. */
  static List<Path> sstFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".sst")).sorted().toList();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory: left for the system to clean
    }
  }
}
