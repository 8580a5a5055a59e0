package io.aloft.engine.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link StateFileSystem} must show, whatever the store: one test per rule of the
 * storage contract. A provider's test extends this class and supplies the two hooks.
 *
 * <p>Both hooks are called once before each test, and the suite never closes the file system nor
 * deletes anything afterwards. A store that is slow to start (S3Proxy, Azurite, a MiniDFSCluster) is
 * therefore started once per class and shared, with each test working under its own fresh root:
 *
 * <pre>{@code
 * class S3FileSystemConformanceTest extends StateFileSystemConformanceSuite {
 *   static S3Proxy proxy;            // started in @BeforeAll, stopped in @AfterAll
 *   static StateFileSystem fs;       // created in @BeforeAll, closed in @AfterAll
 *
 *   protected StateFileSystem fileSystem() { return fs; }
 *   protected Location root() { return Location.of("s3://bucket/" + UUID.randomUUID()); }
 * }
 * }</pre>
 *
 * <p>Every test is bounded in time, including those that start threads.
 */
// A separate thread, so that a call stuck in a non-interruptible socket read still fails the test.
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class StateFileSystemConformanceSuite {

  private static final long SEED = 0x5EED_A10F7L;
  private static final long THREAD_WAIT_SECONDS = 20;

  /** The file system under test for this test. */
  protected StateFileSystem fs;

  /** An empty directory only this test uses. */
  protected Location root;

  /** The file system under test; may be the same instance for every test. The suite never closes it. */
  protected abstract StateFileSystem fileSystem();

  /**
   * A directory with no file below it, used by one test only (for instance a random name under a
   * bucket shared by the class). Called once per test, before it.
   */
  protected abstract Location root();

  @BeforeEach
  final void prepareRoot() throws IOException {
    fs = fileSystem();
    root = root();
    assertThat(fs.list(root)).as("files below the fresh root %s", root).isEmpty();
  }

  // --- reading back -------------------------------------------------------------------------------

  @Test
  void writtenFileReadsBackWhole() throws IOException {
    Location file = root.resolve("a.sst");
    byte[] data = bytes(1000, 1);

    write(file, data);

    assertThat(read(file)).isEqualTo(data);
  }

  @Test
  void readFullyReadsAnyRangeIntoAnyBufferOffset() throws IOException {
    Location file = root.resolve("a.sst");
    byte[] data = bytes(10_000, 2);
    write(file, data);

    try (FileInput in = fs.newInputFile(file).newInput()) {
      for (int[] range : new int[][] {{0, 1}, {0, 10_000}, {1, 99}, {4096, 4096}, {9_999, 1}, {5_000, 0}}) {
        int position = range[0];
        int length = range[1];
        byte[] buffer = new byte[length + 7];
        in.readFully(position, buffer, 7, length);
        assertThat(Arrays.copyOfRange(buffer, 7, 7 + length))
            .as("%d bytes at %d", length, position)
            .isEqualTo(Arrays.copyOfRange(data, position, position + length));
      }
    }
  }

  @Test
  void readTailShorterThanFileReturnsLastBytes() throws IOException {
    Location file = root.resolve("a.sst");
    byte[] data = bytes(1000, 3);
    write(file, data);

    byte[] buffer = new byte[3 + 100];
    int n;
    try (FileInput in = fs.newInputFile(file).newInput()) {
      n = in.readTail(buffer, 3, 100);
    }

    assertThat(n).isEqualTo(100);
    assertThat(Arrays.copyOfRange(buffer, 3, 103)).isEqualTo(Arrays.copyOfRange(data, 900, 1000));
  }

  @Test
  void readTailLongerThanFileReturnsWholeFile() throws IOException {
    Location file = root.resolve("a.sst");
    byte[] data = bytes(50, 4);
    write(file, data);

    byte[] buffer = new byte[200];
    int n;
    try (FileInput in = fs.newInputFile(file).newInput()) {
      n = in.readTail(buffer, 0, 200);
    }

    assertThat(n).isEqualTo(50);
    assertThat(Arrays.copyOf(buffer, 50)).isEqualTo(data);
  }

  @Test
  void lengthIsNumberOfBytesWritten() throws IOException {
    Location file = root.resolve("a.sst");
    write(file, bytes(12_345, 5));

    assertThat(fs.newInputFile(file).length()).isEqualTo(12_345);
  }

  @Test
  void inputFileWithKnownLengthReadsSameBytes() throws IOException {
    Location file = root.resolve("a.sst");
    byte[] data = bytes(777, 6);
    write(file, data);

    InputFile in = fs.newInputFile(file, data.length);

    assertThat(in.length()).isEqualTo(data.length);
    assertThat(readAll(in)).isEqualTo(data);
  }

  @Test
  void emptyFileHasLengthZeroAndNoTail() throws IOException {
    Location file = root.resolve("empty");
    write(file, new byte[0]);

    assertThat(fs.newInputFile(file).length()).isZero();
    try (FileInput in = fs.newInputFile(file).newInput()) {
      in.readFully(0, new byte[0], 0, 0);
      assertThat(in.readTail(new byte[10], 0, 10)).isZero();
    }
  }

  @Test
  void largeFileWrittenInUnevenChunksReadsBackExactly() throws IOException {
    Location file = root.resolve("large.sst");
    byte[] data = bytes(3 * 1024 * 1024 + 12_345, 7);
    Random chunks = new Random(SEED);

    FileOutput out = fs.newOutputFile(file).create();
    int written = 0;
    while (written < data.length) {
      if (chunks.nextInt(10) == 0) {
        out.write(data[written++]);
      } else {
        int n = Math.min(data.length - written, 1 + chunks.nextInt(300_000));
        out.write(data, written, n);
        written += n;
      }
    }
    out.close();

    assertThat(fs.newInputFile(file).length()).isEqualTo(data.length);
    assertThat(read(file)).isEqualTo(data);
  }

  @Test
  void fileNameWithSpecialCharactersRoundTrips() throws IOException {
    Location file = root.resolve("key=value/a b+c%20d.sst");
    byte[] data = bytes(10, 8);

    write(file, data);

    assertThat(read(file)).isEqualTo(data);
    assertThat(fs.list(root)).containsExactly(new FileEntry(file, 10));
  }

  @Test
  void lastModifiedIsWhenTheFileWasWrittenAndMissingFilesAreNamed() throws IOException {
    Location file = root.resolve("dated.sst");
    // Stores keep seconds (S3, Azure) or milliseconds; the store's clock is this machine's (loopback).
    java.time.Instant before = java.time.Instant.now().minusSeconds(2);
    write(file, bytes(10, 3));
    java.time.Instant after = java.time.Instant.now().plusSeconds(2);

    assertThat(fs.lastModified(file)).hasValueSatisfying(t -> assertThat(t).isBetween(before, after));
    Location missing = root.resolve("absent.sst");
    assertThatThrownBy(() -> fs.lastModified(missing))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(missing.toString());
  }

  // --- missing files and bounds -------------------------------------------------------------------

  @Test
  void lengthOfMissingFileIsNoSuchFileNamingLocation() {
    Location file = root.resolve("missing.sst");

    assertThatThrownBy(() -> fs.newInputFile(file).length())
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void readingMissingFileIsNoSuchFileNamingLocation() {
    Location file = root.resolve("missing.sst");

    // Some stores report a missing file at open, others at the first read.
    assertThatThrownBy(
            () -> {
              try (FileInput in = fs.newInputFile(file).newInput()) {
                in.readFully(0, new byte[1], 0, 1);
              }
            })
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void readingTailOfMissingFileIsNoSuchFileNamingLocation() {
    Location file = root.resolve("missing.sst");

    assertThatThrownBy(
            () -> {
              try (FileInput in = fs.newInputFile(file).newInput()) {
                in.readTail(new byte[8], 0, 8);
              }
            })
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void readFullyAcrossEndIsEofNamingFileAndPosition() throws IOException {
    Location file = root.resolve("short.sst");
    write(file, bytes(100, 9));

    try (FileInput in = fs.newInputFile(file).newInput()) {
      assertThatThrownBy(() -> in.readFully(95, new byte[10], 0, 10))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining(file.fileName())
          .hasMessageContaining("95");
    }
  }

  @Test
  void readFullyBeyondEndIsEof() throws IOException {
    Location file = root.resolve("short.sst");
    write(file, bytes(100, 10));

    try (FileInput in = fs.newInputFile(file).newInput()) {
      assertThatThrownBy(() -> in.readFully(1234, new byte[1], 0, 1))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining(file.fileName())
          .hasMessageContaining("1234");
    }
  }

  @Test
  void existsOnlyOnceWritten() throws IOException {
    Location file = root.resolve("a.sst");
    assertThat(fs.exists(file)).isFalse();
    assertThat(fs.newInputFile(file).exists()).isFalse();

    write(file, bytes(1, 11));

    assertThat(fs.exists(file)).isTrue();
    assertThat(fs.newInputFile(file).exists()).isTrue();
  }

  // --- writing ------------------------------------------------------------------------------------

  @Test
  void createReplacesExistingFile() throws IOException {
    Location file = root.resolve("CURRENT");
    write(file, utf8("old content, longer"));

    write(file, utf8("new"));

    assertThat(read(file)).isEqualTo(utf8("new"));
  }

  @Test
  void createExclusiveOfExistingFileFailsNamingLocationAndKeepsOldContent() throws IOException {
    Location file = root.resolve("MANIFEST-1");
    write(file, utf8("first"));

    // Allowed to fail at createExclusive() or at close().
    assertThatThrownBy(() -> writeExclusive(file, utf8("second")))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());
    assertThat(read(file)).isEqualTo(utf8("first"));
  }

  @Test
  void createExclusiveOfNewFileSucceeds() throws IOException {
    Location file = root.resolve("MANIFEST-1");

    writeExclusive(file, utf8("first"));

    assertThat(read(file)).isEqualTo(utf8("first"));
  }

  @Test
  void concurrentExclusiveCreatesHaveExactlyOneWinner() throws Exception {
    Location file = root.resolve("MANIFEST-7");
    byte[][] contents = {utf8("writer 0"), utf8("writer 1")};
    // Both streams are open before either closes, so the race is decided where the store decides it.
    CountDownLatch bothOpen = new CountDownLatch(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Boolean>> wins = new ArrayList<>();
      for (byte[] content : contents) {
        wins.add(pool.submit(() -> tryExclusiveWrite(file, content, bothOpen)));
      }
      int winners = 0;
      byte[] winnerContent = null;
      for (int i = 0; i < 2; i++) {
        if (wins.get(i).get(THREAD_WAIT_SECONDS, TimeUnit.SECONDS)) {
          winners++;
          winnerContent = contents[i];
        }
      }

      assertThat(winners).isEqualTo(1);
      assertThat(read(file)).isEqualTo(winnerContent);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(THREAD_WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** True if this writer published the file, false if it lost to the other. */
  private boolean tryExclusiveWrite(Location file, byte[] content, CountDownLatch bothOpen)
      throws IOException, InterruptedException {
    FileOutput out;
    try {
      out = fs.newOutputFile(file).createExclusive();
    } catch (FileAlreadyExistsException lostAtOpen) {
      bothOpen.countDown();
      return false;
    }
    try {
      out.write(content);
      bothOpen.countDown();
      // A store that reserves the name at open makes the other writer fail there: don't wait for it.
      bothOpen.await(THREAD_WAIT_SECONDS, TimeUnit.SECONDS);
      out.close();
      return true;
    } catch (FileAlreadyExistsException lostAtClose) {
      assertThat(lostAtClose).hasMessageContaining(file.toString());
      out.abort();
      return false;
    }
  }

  @Test
  void fileIsInvisibleUntilClosed() throws IOException {
    Location file = root.resolve("a.sst");
    FileOutput out = fs.newOutputFile(file).create();
    out.write(bytes(100_000, 12));
    out.flush();

    assertThat(fs.exists(file)).isFalse();
    assertThat(fs.list(root)).isEmpty();

    out.close();
    assertThat(fs.exists(file)).isTrue();
    assertThat(fs.list(root)).containsExactly(new FileEntry(file, 100_000));
  }

  @Test
  void replacedFileKeepsOldContentUntilClosed() throws IOException {
    Location file = root.resolve("CURRENT");
    write(file, utf8("old"));
    FileOutput out = fs.newOutputFile(file).create();
    out.write(utf8("new"));
    out.flush();

    assertThat(read(file)).isEqualTo(utf8("old"));

    out.close();
    assertThat(read(file)).isEqualTo(utf8("new"));
  }

  @Test
  void abortedWriteLeavesNoFile() throws IOException {
    Location file = root.resolve("a.sst");
    FileOutput out = fs.newOutputFile(file).create();
    out.write(bytes(10_000, 13));

    out.abort();

    assertThat(fs.exists(file)).isFalse();
    assertThat(fs.list(root)).isEmpty();
  }

  @Test
  void abortedReplacementKeepsOldFile() throws IOException {
    Location file = root.resolve("CURRENT");
    write(file, utf8("old"));
    FileOutput out = fs.newOutputFile(file).create();
    out.write(utf8("new"));

    out.abort();

    assertThat(read(file)).isEqualTo(utf8("old"));
  }

  @Test
  void abortedExclusiveWriteLeavesNameFree() throws IOException {
    Location file = root.resolve("MANIFEST-1");
    FileOutput out = fs.newOutputFile(file).createExclusive();
    out.write(utf8("abandoned"));
    out.abort();

    writeExclusive(file, utf8("second try"));

    assertThat(read(file)).isEqualTo(utf8("second try"));
  }

  // --- listing ------------------------------------------------------------------------------------

  @Test
  void listIsRecursiveWithLengths() throws IOException {
    Location dir = root.resolve("dir");
    write(dir.resolve("a"), bytes(3, 14));
    write(dir.resolve("sub/b"), bytes(5, 15));
    write(dir.resolve("sub/deeper/c"), new byte[0]);

    assertThat(fs.list(dir))
        .containsExactlyInAnyOrder(
            new FileEntry(dir.resolve("a"), 3),
            new FileEntry(dir.resolve("sub/b"), 5),
            new FileEntry(dir.resolve("sub/deeper/c"), 0));
  }

  @Test
  void listExcludesSiblingSharingNamePrefix() throws IOException {
    Location dir = root.resolve("dir");
    write(dir.resolve("a"), bytes(1, 16));
    write(root.resolve("dir2/b"), bytes(1, 17));
    write(root.resolve("dir.sst"), bytes(1, 18));

    assertThat(fs.list(dir)).containsExactly(new FileEntry(dir.resolve("a"), 1));
  }

  @Test
  void listOfAbsentDirectoryIsEmpty() throws IOException {
    assertThat(fs.list(root.resolve("absent"))).isEmpty();
  }

  // --- deleting -----------------------------------------------------------------------------------

  @Test
  void deleteRemovesFile() throws IOException {
    Location file = root.resolve("a.sst");
    write(file, bytes(10, 19));

    fs.delete(file);

    assertThat(fs.exists(file)).isFalse();
    assertThat(fs.list(root)).isEmpty();
  }

  @Test
  void deleteOfMissingFileIsNoOp() throws IOException {
    fs.delete(root.resolve("missing.sst"));

    assertThat(fs.list(root)).isEmpty();
  }

  @Test
  void deleteFilesRemovesEachAndSkipsMissing() throws IOException {
    Location a = root.resolve("a");
    Location b = root.resolve("sub/b");
    Location kept = root.resolve("kept");
    write(a, bytes(1, 20));
    write(b, bytes(1, 21));
    write(kept, bytes(1, 22));

    fs.deleteFiles(List.of(a, root.resolve("missing"), b));

    assertThat(fs.list(root)).containsExactly(new FileEntry(kept, 1));
  }

  @Test
  void deleteRecursivelyRemovesEveryFileBelowOnly() throws IOException {
    Location dir = root.resolve("dir");
    write(dir.resolve("a"), bytes(1, 23));
    write(dir.resolve("sub/deeper/b"), bytes(1, 24));
    Location sibling = root.resolve("dir2/c");
    write(sibling, bytes(1, 25));

    fs.deleteRecursively(dir);

    assertThat(fs.list(dir)).isEmpty();
    assertThat(fs.list(root)).containsExactly(new FileEntry(sibling, 1));
  }

  @Test
  void deleteRecursivelyOfAbsentDirectoryIsNoOp() throws IOException {
    fs.deleteRecursively(root.resolve("absent"));

    assertThat(fs.list(root)).isEmpty();
  }

  // --- copying ------------------------------------------------------------------------------------

  @Test
  void copyGivesIdenticalBytesAndKeepsSource() throws IOException {
    Location source = root.resolve("a.sst");
    Location target = root.resolve("copies/b.sst");
    byte[] data = bytes(2 * 1024 * 1024 + 3, 26);
    write(source, data);

    fs.copy(source, target);

    assertThat(read(target)).isEqualTo(data);
    assertThat(read(source)).isEqualTo(data);
  }

  @Test
  void copyReplacesExistingTarget() throws IOException {
    Location source = root.resolve("a.sst");
    Location target = root.resolve("b.sst");
    write(source, utf8("source"));
    write(target, utf8("old target"));

    fs.copy(source, target);

    assertThat(read(target)).isEqualTo(utf8("source"));
  }

  @Test
  void copyOfMissingFileIsNoSuchFileNamingSource() {
    Location source = root.resolve("missing.sst");

    assertThatThrownBy(() -> fs.copy(source, root.resolve("b.sst")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(source.toString());
  }

  // --- concurrency --------------------------------------------------------------------------------

  @Test
  void concurrentPositionalReadsOnOneInputReturnCorrectBytes() throws Exception {
    Location file = root.resolve("shared.sst");
    byte[] data = bytes(1024 * 1024, 27);
    write(file, data);
    int threads = 4;
    int readsPerThread = 200;

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (FileInput in = fs.newInputFile(file).newInput()) {
      List<Future<Integer>> mismatches = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = SEED + t;
        mismatches.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  int wrong = 0;
                  for (int i = 0; i < readsPerThread; i++) {
                    int length = 1 + random.nextInt(16 * 1024);
                    int position = random.nextInt(data.length - length + 1);
                    byte[] buffer = new byte[length];
                    in.readFully(position, buffer, 0, length);
                    if (!Arrays.equals(buffer, 0, length, data, position, position + length)) {
                      wrong++;
                    }
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> wrong : mismatches) {
        assertThat(wrong.get(THREAD_WAIT_SECONDS, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(THREAD_WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  // --- helpers ------------------------------------------------------------------------------------

  /** Writes {@code data} with {@code create()}. */
  protected void write(Location file, byte[] data) throws IOException {
    FileOutput out = fs.newOutputFile(file).create();
    writeAndClose(out, data);
  }

  /** Writes {@code data} with {@code createExclusive()}. */
  protected void writeExclusive(Location file, byte[] data) throws IOException {
    FileOutput out = fs.newOutputFile(file).createExclusive();
    writeAndClose(out, data);
  }

  private static void writeAndClose(FileOutput out, byte[] data) throws IOException {
    try {
      out.write(data);
    } catch (IOException | RuntimeException e) {
      out.abort();
      throw e;
    }
    out.close();
  }

  /** The whole file, read with one positional read. */
  protected byte[] read(Location file) throws IOException {
    return readAll(fs.newInputFile(file));
  }

  private static byte[] readAll(InputFile file) throws IOException {
    byte[] data = new byte[Math.toIntExact(file.length())];
    try (FileInput in = file.newInput()) {
      in.readFully(0, data, 0, data.length);
    }
    return data;
  }

  /** {@code n} reproducible pseudo-random bytes. */
  protected static byte[] bytes(int n, long seed) {
    byte[] data = new byte[n];
    new Random(SEED ^ seed).nextBytes(data);
    return data;
  }

  protected static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
