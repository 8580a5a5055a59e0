package io.aloft.engine.filecache;

import io.aloft.engine.lsm.key.Entry;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.testkit.RemoteShapedFileSystem;
import io.aloft.spi.cache.CachePolicy;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A "remote" store for cache tests — a local directory behind a {@link RemoteShapedFileSystem}, which
 * counts read requests — and helpers to write, read and damage files.
 */
final class CacheFixture {
  final Path remoteDir;
  final Path cacheDir;
  final RemoteShapedFileSystem remote;
  final Location root;

  CacheFixture(Path dir) throws IOException {
    this.remoteDir = Files.createDirectories(dir.resolve("remote"));
    this.cacheDir = dir.resolve("cache");
    this.remote =
        new RemoteShapedFileSystem(new LocalFileSystemProvider().create("file", Config.empty()), Duration.ZERO);
    this.root = Location.of(remoteDir.toAbsolutePath().toString());
  }

  /** A cache of the remote store with inline load-backs after one remote read, and no limits. */
  CachingFileSystem.Builder cache(CachePolicy policy) {
    return CachingFileSystem.builder(remote, cacheDir, policy)
        .loadBackAfter(1)
        .loadBackExecutor(Runnable::run);
  }

  Location file(String name) {
    return root.resolve(name);
  }

  /** Bytes that depend only on {@code seed}. */
  static byte[] bytes(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  static void writeExclusive(StateFileSystem fs, Location file, byte[] data) throws IOException {
    FileOutput out = fs.newOutputFile(file).createExclusive();
    try {
      out.write(data);
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    out.close();
  }

  static byte[] read(StateFileSystem fs, Location file, long position, int length) throws IOException {
    byte[] buffer = new byte[length];
    try (FileInput in = fs.newInputFile(file).newInput()) {
      in.readFully(position, buffer, 0, length);
    }
    return buffer;
  }

  static byte[] readAll(StateFileSystem fs, Location file) throws IOException {
    return read(fs, file, 0, (int) fs.newInputFile(file).length());
  }

  /** The local copy of {@code file}, if the cache holds one. */
  Optional<Path> copyOf(Location file) {
    Path p = CacheFileFormat.pathOf(cacheDir.resolve("files"), file);
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  /** Every regular file below the cache directory. */
  List<Path> cacheFiles() throws IOException {
    if (!Files.exists(cacheDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(cacheDir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  /**
   * Bytes of every file below {@code dir} now; files vanishing meanwhile are skipped. A file is counted
   * once even if the walk meets it twice: the cache publishes a copy by renaming it from {@code tmp/}
   * to {@code files/}, and a walk that lists {@code tmp/} before the rename and {@code files/} after it
   * would otherwise count the same bytes twice (it once made this sample exceed the limit by a file).
   */
  static long diskUsage(Path dir) {
    long total = 0;
    java.util.Set<Object> seen = new java.util.HashSet<>();
    List<Path> todo = new ArrayList<>(List.of(dir));
    while (!todo.isEmpty()) {
      Path p = todo.remove(todo.size() - 1);
      try {
        if (Files.isDirectory(p)) {
          try (Stream<Path> children = Files.list(p)) {
            children.forEach(todo::add);
          }
        } else {
          var attributes = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
          Object identity = attributes.fileKey() != null ? attributes.fileKey() : p;
          if (seen.add(identity)) {
            total += attributes.size();
          }
        }
      } catch (NoSuchFileException e) {
        // deleted while walking
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException)) {
          throw e;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return total;
  }

  /** Flips one bit of {@code path} at {@code position}. */
  static void flipBit(Path path, long position) throws IOException {
    byte[] all = Files.readAllBytes(path);
    all[(int) position] ^= 0x10;
    Files.write(path, all);
  }

  /** Records a name → content model of what was written. */
  static final class Model {
    final Map<Location, byte[]> files = new LinkedHashMap<>();

    void assertMatches(StateFileSystem fs) throws IOException {
      for (Map.Entry<Location, byte[]> e : files.entrySet()) {
        assertThat(readAll(fs, e.getKey())).as("content of %s", e.getKey()).isEqualTo(e.getValue());
      }
    }
  }

  static long diskBytes(int length) {
    return CacheFileFormat.diskBytes(length, CachingFileSystem.DEFAULT_CHUNK_SIZE);
  }
}
