package io.aloft.engine.testkit;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Whole directory trees on the local disk, for tests: a copy of a checkpoint root to restore from
 * without fencing the instances that still run on the original, and its removal.
 */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Copies every file and directory below {@code from} to the same place below {@code to}.
   *
   * <p>The tree may be live: instances still running on it flush and compact in the background, so
   * a temporary file or a compacted-away SST can vanish between listing and copying. Such a file is
   * skipped. That hides nothing a test checks: a file a checkpoint still lists that went missing
   * makes the restore from the copy fail, naming the file.
   */
  public static void copy(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(target(dir));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            try {
              Files.copy(file, target(file));
            } catch (NoSuchFileException vanished) {
              // deleted by a live instance after the listing
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            return skipVanished(e);
          }

          private Path target(Path p) {
            return to.resolve(from.relativize(p).toString());
          }
        });
  }

  /**
   * The regular files below {@code root}, relative to it. Like {@link #copy}, it skips files a live
   * instance deletes while the tree is walked.
   */
  public static Set<String> files(Path root) throws IOException {
    Set<String> files = new TreeSet<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              files.add(root.relativize(file).toString());
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            return skipVanished(e);
          }
        });
    return files;
  }

  private static FileVisitResult skipVanished(IOException e) throws IOException {
    if (e instanceof NoSuchFileException) {
      return FileVisitResult.CONTINUE; // deleted by a live instance after the listing
    }
    throw e;
  }

  /** Deletes {@code root} and everything below it. */
  public static void delete(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
