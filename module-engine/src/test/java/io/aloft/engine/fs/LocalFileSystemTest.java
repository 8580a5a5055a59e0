package io.aloft.engine.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aloft.config.Config;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the {@code file://} provider does beyond the shared storage contract. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalFileSystemTest {

  private final StateFileSystem fs = new LocalFileSystem();

  @TempDir Path dir;

  @Test
  void serviceLoaderFindsProviderServingFileScheme() throws IOException {
    List<FileSystemProvider> serving =
        ServiceLoader.load(FileSystemProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.schemes().contains("file"))
            .toList();

    assertThat(serving).singleElement().isInstanceOf(LocalFileSystemProvider.class);
    assertThat(serving.get(0).create("file", Config.empty())).isInstanceOf(LocalFileSystem.class);
  }

  @Test
  void providerRefusesOtherSchemes() {
    assertThatThrownBy(() -> new LocalFileSystemProvider().create("s3", Config.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'s3'");
  }

  @Test
  void bareAbsolutePathLocationWorks() throws IOException {
    Location file = Location.of(dir + "/x");

    write(file, "bare");

    assertThat(file.scheme()).isEqualTo("file");
    assertThat(Files.readString(dir.resolve("x"))).isEqualTo("bare");
    assertThat(fs.list(Location.of(dir.toString()))).containsExactly(new FileEntry(file, 4));
  }

  @Test
  void locationOfAnotherSchemeOrHostIsRejected() {
    assertThatThrownBy(() -> fs.newInputFile(Location.of("s3://bucket/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3://bucket/x");
    assertThatThrownBy(() -> fs.newOutputFile(Location.of("file://host/x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("file://host/x");
  }

  @Test
  void unfinishedWriteIsHiddenTempFileBesideTarget() throws IOException {
    Location file = location("sub/a.sst");
    FileOutput out = fs.newOutputFile(file).create();
    out.write(1);
    out.flush();

    assertThat(namesIn(dir.resolve("sub"))).singleElement().asString().matches("\\.a\\.sst\\.[0-9a-f]{16}\\.tmp");
    assertThat(fs.list(location(""))).isEmpty();

    out.close();
    assertThat(namesIn(dir.resolve("sub"))).containsExactly("a.sst");
  }

  @Test
  void leftoverTempFileIsNeverListedButDeletedRecursively() throws IOException {
    Files.createDirectories(dir.resolve("d"));
    Files.write(dir.resolve("d/.a.sst.0123456789abcdef.tmp"), new byte[] {1});
    write(location("d/b.sst"), "b");

    assertThat(fs.list(location("d"))).containsExactly(new FileEntry(location("d/b.sst"), 1));

    fs.deleteRecursively(location("d"));
    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void abortDeletesTempFile() throws IOException {
    FileOutput out = fs.newOutputFile(location("a.sst")).create();
    out.write(new byte[100]);

    out.abort();

    assertThat(namesIn(dir)).isEmpty();
  }

  @Test
  void createExclusiveOfExistingFileFailsBeforeAnythingIsWritten() throws IOException {
    Location file = location("MANIFEST-1");
    write(file, "first");

    assertThatThrownBy(() -> fs.newOutputFile(file).createExclusive())
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());
    assertThat(namesIn(dir)).containsExactly("MANIFEST-1");
  }

  @Test
  void exclusiveWriterLosingAtCloseLeavesNoTempFile() throws IOException {
    Location file = location("MANIFEST-1");
    FileOutput loser = fs.newOutputFile(file).createExclusive();
    loser.write(text("loser"));
    write(file, "winner");

    assertThatThrownBy(loser::close)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());
    loser.abort();
    assertThat(namesIn(dir)).containsExactly("MANIFEST-1");
    assertThat(Files.readString(dir.resolve("MANIFEST-1"))).isEqualTo("winner");
  }

  @Test
  void writeAfterCloseFailsNamingLocation() throws IOException {
    Location file = location("a.sst");
    FileOutput out = fs.newOutputFile(file).create();
    out.close();

    assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class).hasMessageContaining(file.toString());
  }

  @Test
  void longFileNameIsWritten() throws IOException {
    String name = "x".repeat(240);
    write(location(name), "long");

    assertThat(namesIn(dir)).containsExactly(name);
  }

  @Test
  void parentThatIsAFileIsNotReportedAsExistingTarget() throws IOException {
    write(location("a"), "file");

    assertThatThrownBy(() -> fs.newOutputFile(location("a/b")).createExclusive())
        .isInstanceOf(FileSystemException.class)
        .isNotInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(location("a/b").toString());
  }

  @Test
  void fastCopyIsHardLinkAndRepeatingItLeavesNoTempFile() throws IOException {
    Location source = location("a.sst");
    Location target = location("b.sst");
    write(source, "data");
    assertThat(fs.supportsFastCopy()).isTrue();

    fs.copy(source, target);
    fs.copy(source, target);

    assertThat(Files.isSameFile(dir.resolve("a.sst"), dir.resolve("b.sst"))).isTrue();
    assertThat(namesIn(dir)).containsExactlyInAnyOrder("a.sst", "b.sst");
  }

  @Test
  void directoryIsNotAFile() throws IOException {
    Files.createDirectories(dir.resolve("d"));
    Location d = location("d");

    assertThat(fs.exists(d)).isFalse();
    assertThatThrownBy(() -> fs.newInputFile(d).length())
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(d.toString());
  }

  @Test
  void emptyDirectoriesAreNotListed() throws IOException {
    Files.createDirectories(dir.resolve("d/empty/deeper"));

    assertThat(fs.list(location("d"))).isEmpty();
  }

  @Test
  void deleteRecursivelyRemovesDirectoriesToo() throws IOException {
    write(location("d/sub/a"), "a");

    fs.deleteRecursively(location("d"));

    assertThat(dir.resolve("d")).doesNotExist();
  }

  @Test
  void directoryBehindSymbolicLinkIsListedAndEmptiedButKept() throws IOException {
    Path real = Files.createDirectories(dir.resolve("real"));
    Files.writeString(real.resolve("a"), "a");
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);

    assertThat(fs.list(location("link"))).containsExactly(new FileEntry(location("link/a"), 1));

    fs.deleteRecursively(location("link"));
    assertThat(link).isSymbolicLink();
    assertThat(real).isEmptyDirectory();
  }

  @Test
  void interruptedChannelReaderDoesNotBreakOtherReaders() throws Exception {
    StateFileSystem fs = new LocalFileSystem(false); // positional reads, as on Windows
    Location file = location("a.sst");
    write(file, "0123456789");

    try (FileInput in = fs.newInputFile(file).newInput()) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> in.readFully(0, new byte[1], 0, 1))
            .isInstanceOf(InterruptedIOException.class)
            .hasMessageContaining(file.toString());
      } finally {
        Thread.interrupted();
      }

      byte[] buffer = new byte[4];
      CompletableFuture.runAsync(
              () -> {
                try {
                  in.readFully(3, buffer, 0, 4);
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              })
          .get(10, TimeUnit.SECONDS);
      assertThat(new String(buffer, StandardCharsets.UTF_8)).isEqualTo("3456");
    }
  }

  @Test
  void mappedReadIgnoresAnInterruptAndLeavesItSet() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Location file = location("a.sst");
    write(file, "0123456789");

    try (FileInput in = fs.newInputFile(file).newInput()) {
      assertThat(in).isInstanceOf(MappedFileInput.class);
      byte[] buffer = new byte[4];
      Thread.currentThread().interrupt();
      try {
        in.readFully(3, buffer, 0, 4);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
      assertThat(new String(buffer, StandardCharsets.UTF_8)).isEqualTo("3456");
    }
  }

  @Test
  void emptyAndNonEmptyFilesReadTheSameWithAndWithoutMapping() throws IOException {
    Location empty = location("empty.sst");
    Location data = location("data.sst");
    write(empty, "");
    write(data, "0123456789");

    for (StateFileSystem each : List.of(fs, new LocalFileSystem(false))) {
      try (FileInput in = each.newInputFile(empty).newInput()) {
        assertThat(in.readTail(new byte[8], 0, 8)).isZero();
        assertThatThrownBy(() -> in.readFully(0, new byte[1], 0, 1))
            .isInstanceOf(EOFException.class)
            .hasMessageContaining(empty.toString());
      }
      try (FileInput in = each.newInputFile(data).newInput()) {
        byte[] tail = new byte[16];
        assertThat(in.readTail(tail, 2, 14)).isEqualTo(10);
        assertThat(new String(tail, 2, 10, StandardCharsets.UTF_8)).isEqualTo("0123456789");
        assertThatThrownBy(() -> in.readFully(8, new byte[4], 0, 3))
            .isInstanceOf(EOFException.class)
            .hasMessageContaining(data.toString())
            .hasMessageContaining("position 8");
        assertThatThrownBy(() -> in.readFully(-1, new byte[4], 0, 1))
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  /** A deleted file's disk space comes back when its last input closes, not at some later GC. */
  @Test
  void closingAMappedInputUnmapsTheFileAtOnce() throws IOException {
    Path maps = Path.of("/proc/self/maps");
    assumeTrue(Files.isReadable(maps));
    Location file = location("mapped-" + System.nanoTime() + ".sst");
    write(file, "0123456789");
    String path = dir.resolve(file.toString().substring(file.toString().lastIndexOf('/') + 1)).toString();

    FileInput in = fs.newInputFile(file).newInput();
    in.readFully(0, new byte[4], 0, 4);
    assertThat(Files.readString(maps)).contains(path);
    in.close();

    assertThat(Files.readString(maps)).doesNotContain(path);
  }

  @Test
  void openInputKeepsReadingADeletedFile() throws IOException {
    Location file = location("a.sst");
    write(file, "0123456789");

    try (FileInput in = fs.newInputFile(file).newInput()) {
      fs.delete(file);
      byte[] buffer = new byte[10];
      in.readFully(0, buffer, 0, 10);
      assertThat(new String(buffer, StandardCharsets.UTF_8)).isEqualTo("0123456789");
    }
  }

  /**
   * A compaction closes the readers of the files it replaced while gets may still be reading them: a
   * read that began before the close completes with the right bytes, one that begins after it fails
   * naming the file — never a read of unmapped memory.
   */
  @Test
  void closingWhileOtherThreadsReadNeverCorruptsARead() throws Exception {
    byte[] content = new byte[256 * 1024];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31 + (i >>> 8));
    }
    for (int round = 0; round < 20; round++) {
      Location file = location("r" + round + ".sst");
      try (FileOutput out = fs.newOutputFile(file).create()) {
        out.write(content);
      }
      FileInput in = fs.newInputFile(file).newInput();
      int readers = 3;
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(readers);
      List<CompletableFuture<Integer>> reads = new java.util.ArrayList<>();
      for (int t = 0; t < readers; t++) {
        int seed = round * readers + t;
        reads.add(
            CompletableFuture.supplyAsync(
                () -> {
                  java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
                  byte[] buffer = new byte[4096];
                  int done = 0;
                  started.countDown();
                  for (int i = 0; i < 200_000; i++) { // bounded: ends at the close long before
                    int position = random.nextInt(content.length - buffer.length);
                    try {
                      in.readFully(position, buffer, 0, buffer.length);
                    } catch (IOException e) {
                      assertThat(e).hasMessageContaining(file.toString()).hasMessageContaining("closed");
                      return done;
                    }
                    assertThat(java.util.Arrays.equals(
                            buffer, 0, buffer.length, content, position, position + buffer.length))
                        .as("bytes at %d", position)
                        .isTrue();
                    done++;
                  }
                  return done;
                }));
      }
      started.await(10, TimeUnit.SECONDS);
      in.close();
      for (CompletableFuture<Integer> read : reads) {
        assertThat(read.get(20, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
      }
      assertThatThrownBy(() -> in.readFully(0, new byte[1], 0, 1))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString());
    }
  }

  @Test
  void readAfterCloseFailsNamingLocation() throws IOException {
    Location file = location("a.sst");
    write(file, "data");
    FileInput in = fs.newInputFile(file).newInput();
    in.close();

    assertThatThrownBy(() -> in.readFully(0, new byte[1], 0, 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString());
  }

  private Location location(String relative) {
    Location base = Location.of("file://" + dir);
    return relative.isEmpty() ? base : base.resolve(relative);
  }

  private void write(Location file, String content) throws IOException {
    try (FileOutput out = fs.newOutputFile(file).create()) {
      out.write(text(content));
    }
  }

  private static byte[] text(String content) {
    return content.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> namesIn(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
