package io.aloft.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh directory on local disk for one benchmark's data, under {@code -Daloft.bench.dir} (default:
 * {@code java.io.tmpdir}), removed with everything in it when the benchmark ends.
 */
final class ScratchDir implements AutoCloseable {

  static final String DIR_PROPERTY = "aloft.bench.dir";

  private final Path path;

  private ScratchDir(Path path) {
    this.path = path;
  }

  static ScratchDir create(String label) throws IOException {
    Path root = Paths.get(System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir")));
    Files.createDirectories(root);
    return new ScratchDir(Files.createTempDirectory(root, "aloft-bench-" + label + "-"));
  }

  Path path() {
    return path;
  }

  /** Bytes of all files below the directory. */
  long sizeBytes() throws IOException {
    try (Stream<Path> files = Files.walk(path)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  @Override
  public void close() throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        // deleteIfExists: a file cache's load-back may still remove its own temporary file meanwhile
        Files.deleteIfExists(p);
      }
    }
  }
}
