package io.aloft.engine.filecache;

import static io.aloft.engine.filecache.CacheFixture.bytes;
import static io.aloft.engine.filecache.CacheFixture.flipBit;
import static io.aloft.engine.filecache.CacheFixture.read;
import static io.aloft.engine.filecache.CacheFixture.readAll;
import static io.aloft.engine.filecache.CacheFixture.writeExclusive;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local copy that is half-written at a crash, truncated, or damaged on disk is never served: the read
 * returns the remote bytes, the copy is deleted, and a load-back fetches the file again. A restart
 * keeps the copies that check out and deletes the rest.
 */
class CachingFileSystemCrashSafetyTest {
  private static final int SIZE = 50_000;
  private static final int CHUNK = CachingFileSystem.DEFAULT_CHUNK_SIZE;

  @TempDir Path dir;
  CacheFixture fx;
  Location file;
  byte[] data;

  @BeforeEach
  void setUp() throws IOException {
    fx = new CacheFixture(dir);
    file = fx.file("a.sst");
    data = bytes(SIZE, 1);
  }

  private CachingFileSystem cacheWithCopy() throws IOException {
    CachingFileSystem fs = fx.cache(new RecencyPolicy()).build();
    writeExclusive(fs, file, data);
    assertThat(fx.copyOf(file)).isPresent();
    return fs;
  }

  private Path copy() {
    return fx.copyOf(file).orElseThrow();
  }

  /** The read is right, the bad copy was dropped, and the one read loaded the file back. */
  private void assertDetectedAndRefetched(CachingFileSystem fs, long remoteReadsBefore) throws IOException {
    assertThat(fs.metrics().corruptCopiesDropped()).isEqualTo(1);
    assertThat(fs.metrics().loadBacks()).isEqualTo(1);
    assertThat(fx.remote.readRequests()).isEqualTo(remoteReadsBefore + 2); // the read, the load-back
    assertThat(readAll(fs, file)).isEqualTo(data);
    assertThat(fx.remote.readRequests()).isEqualTo(remoteReadsBefore + 2); // served by the new copy
  }

  @Test
  void aTruncatedCopyIsNeverServed() throws IOException {
    try (CachingFileSystem fs = cacheWithCopy()) {
      try (FileChannel c = FileChannel.open(copy(), WRITE)) {
        c.truncate(SIZE / 2);
      }
      long remoteReads = fx.remote.readRequests();

      assertThat(read(fs, file, 100, 1000)).isEqualTo(Arrays.copyOfRange(data, 100, 1100));

      assertDetectedAndRefetched(fs, remoteReads);
    }
  }

  @Test
  void aCopyTruncatedWhileOpenIsNeverServed() throws IOException {
    try (CachingFileSystem fs = cacheWithCopy();
        FileInput in = fs.newInputFile(file, SIZE).newInput()) {
      byte[] buffer = new byte[1000];
      in.readFully(0, buffer, 0, 1000); // the copy's channel is open now
      try (FileChannel c = FileChannel.open(copy(), WRITE)) {
        c.truncate(SIZE / 2);
      }
      long remoteReads = fx.remote.readRequests();

      in.readFully(40_000, buffer, 0, 1000);

      assertThat(buffer).isEqualTo(Arrays.copyOfRange(data, 40_000, 41_000));
      assertDetectedAndRefetched(fs, remoteReads);
    }
  }

  @Test
  void aBitFlipInTheDataIsNeverServed() throws IOException {
    try (CachingFileSystem fs = cacheWithCopy()) {
      flipBit(copy(), 12_345);
      long remoteReads = fx.remote.readRequests();

      // A read of other chunks is served, and right.
      assertThat(read(fs, file, 0, 1000)).isEqualTo(Arrays.copyOf(data, 1000));
      assertThat(fx.remote.readRequests()).isEqualTo(remoteReads);

      assertThat(read(fs, file, 12_000, 1000)).isEqualTo(Arrays.copyOfRange(data, 12_000, 13_000));

      assertDetectedAndRefetched(fs, remoteReads);
    }
  }

  @Test
  void aBitFlipInTheChunkTableIsNeverServed() throws IOException {
    try (CachingFileSystem fs = cacheWithCopy()) {
      int chunk = 5;
      flipBit(copy(), SIZE + 4L * chunk + 2);
      long remoteReads = fx.remote.readRequests();

      assertThat(read(fs, file, chunk * CHUNK + 10, 100))
          .isEqualTo(Arrays.copyOfRange(data, chunk * CHUNK + 10, chunk * CHUNK + 110));

      assertDetectedAndRefetched(fs, remoteReads);
    }
  }

  @Test
  void everyDamagedByteOfDataOrTableIsCaught() throws IOException {
    Random random = new Random(7);
    long tableEnd = SIZE + 4L * CacheFileFormat.chunks(SIZE, CHUNK);
    try (CachingFileSystem fs = cacheWithCopy()) {
      for (int i = 1; i <= 40; i++) {
        long position = random.nextLong(tableEnd);
        flipBit(copy(), position);

        assertThat(readAll(fs, file)).as("flip at %d", position).isEqualTo(data);
        assertThat(fs.metrics().corruptCopiesDropped()).as("flip at %d", position).isEqualTo(i);
        assertThat(fx.copyOf(file)).as("fetched again").isPresent();
      }
    }
  }

  @Test
  void dataLostAtACrashAfterPublishingIsCaughtOnRead() throws IOException {
    cacheWithCopy().close();
    // Power loss: the rename survived, the data pages did not (zeros of the right size).
    try (FileChannel c = FileChannel.open(copy(), WRITE)) {
      c.write(ByteBuffer.allocate(2 * CHUNK), 3 * CHUNK);
    }
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      assertThat(fs.metrics().filesCached()).isEqualTo(1); // footer and table check out
      long remoteReads = fx.remote.readRequests();

      assertThat(read(fs, file, 3 * CHUNK, 100)).isEqualTo(Arrays.copyOfRange(data, 3 * CHUNK, 3 * CHUNK + 100));

      assertDetectedAndRefetched(fs, remoteReads);
    }
  }

  @Test
  void aRestartKeepsValidCopiesAndDeletesTheRest() throws IOException {
    Location good = fx.file("good.sst");
    Location torn = fx.file("torn.sst");
    Location badFooter = fx.file("footer.sst");
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      writeExclusive(fs, good, data);
      writeExclusive(fs, torn, data);
      writeExclusive(fs, badFooter, data);
    }
    try (FileChannel c = FileChannel.open(fx.copyOf(torn).orElseThrow(), WRITE)) {
      c.truncate(SIZE + 7);
    }
    Path footerCopy = fx.copyOf(badFooter).orElseThrow();
    flipBit(footerCopy, Files.size(footerCopy) - 10);
    Path leftover = fx.cacheDir.resolve("tmp").resolve("crashed.part");
    Files.write(leftover, bytes(1000, 2));
    Files.write(fx.cacheDir.resolve("files").resolve("stray"), bytes(10, 3));

    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      assertThat(fs.metrics().filesCached()).isEqualTo(1);
      assertThat(fs.metrics().bytesUsed()).isEqualTo(CacheFixture.diskBytes(SIZE));
      assertThat(fs.metrics().corruptCopiesDropped()).isEqualTo(3);
      assertThat(fx.cacheFiles()).containsExactly(fx.copyOf(good).orElseThrow());

      long remoteReads = fx.remote.readRequests();
      assertThat(readAll(fs, good)).isEqualTo(data);
      assertThat(fx.remote.readRequests()).isEqualTo(remoteReads);
      assertThat(readAll(fs, torn)).isEqualTo(data);
      assertThat(readAll(fs, badFooter)).isEqualTo(data);
    }
  }

  @Test
  void aCrashInTheMiddleOfADoubleWriteLeavesNothingToServe() throws IOException {
    CachingFileSystem crashed = fx.cache(new RecencyPolicy()).build();
    FileOutput out = crashed.newOutputFile(file).createExclusive();
    out.write(bytes(200_000, 2), 0, 150_000);
    assertThat(fx.cacheFiles()).isNotEmpty(); // the partial copy, in tmp/

    // The process "dies" here: a new cache opens the same directory.
    try (CachingFileSystem fs = fx.cache(new RecencyPolicy()).build()) {
      assertThat(fx.cacheFiles()).isEmpty();
      assertThat(fs.metrics().filesCached()).isZero();
      assertThatThrownBy(() -> readAll(fs, file)).isInstanceOf(NoSuchFileException.class);
    } finally {
      out.abort();
    }
  }
}
