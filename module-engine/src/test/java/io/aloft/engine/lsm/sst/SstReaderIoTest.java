package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.SstCorruptionException;

import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;

import static io.aloft.engine.lsm.sst.SstFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.engine.lsm.sst.SstFiles.CountingInputFile;
import io.aloft.engine.lsm.sst.SstFiles.Written;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many storage requests opening and reading cost. */
class SstReaderIoTest {

  @TempDir Path dir;
  private SstFiles files;

  @BeforeEach
  void setUp() {
    files = new SstFiles(dir);
  }

  private static List<Entry> sequentialEntries(int count, int valueLength) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(Entry.put(key(i), 1, new byte[valueLength]));
    }
    return entries;
  }

  private static byte[] key(int i) {
    return bytes(0, 1, i >> 16, i >> 8, i);
  }

  @Test
  void openIssuesOneTailReadForSmallFile() throws IOException {
    Written written = files.write(SstOptions.defaults(), sequentialEntries(100, 10));
    CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none())) {
      assertThat(file.tailReads.get()).isEqualTo(1);
      assertThat(file.rangedReads.get()).isZero();
      assertThat(reader.readRequests()).isEqualTo(1);
    }
  }

  @Test
  void openIssuesOneTailReadForFileLargerThanTheTailRead() throws IOException {
    Written written = files.write(SstOptions.defaults(), sequentialEntries(20_000, 100));
    assertThat(written.properties().fileSize()).isGreaterThan(SstReader.TAIL_READ_BYTES);
    CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none())) {
      assertThat(file.reads()).isEqualTo(1);
      assertThat(reader.properties()).isEqualTo(written.properties());
    }
  }

  @Test
  void tailLargerThanTheTailReadCostsOneMoreRangedRead() throws IOException {
    // 64-byte blocks and 64 filter bits a key make a tail of several hundred KiB.
    SstOptions options = new SstOptions(64, 16, 64, Compression.NONE);
    List<Entry> entries = sequentialEntries(20_000, 40);
    Written written = files.write(options, entries);
    CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none())) {
      assertThat(file.tailReads.get()).isEqualTo(1);
      assertThat(file.rangedReads.get()).isEqualTo(1);
      assertThat(reader.readRequests()).isEqualTo(2);
      assertThat(reader.get(key(12_345))).isEqualTo(entries.get(12_345));
    }
  }

  @Test
  void absentKeyRuledOutByFilterCostsNoRead() throws IOException {
    Written written = files.write(SstOptions.defaults(), sequentialEntries(1000, 10));
    CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none())) {
      int readsAfterOpen = file.reads();
      int filtered = 0;
      for (int i = 0; i < 200; i++) {
        byte[] absent = bytes(0, 2, i);
        if (!reader.mayContain(absent)) {
          assertThat(reader.get(absent)).isNull();
          filtered++;
        }
      }
      assertThat(filtered).isGreaterThan(190);
      assertThat(file.reads()).isEqualTo(readsAfterOpen);
    }
  }

  @Test
  void presentKeyCostsOneBlockReadAndNoneWhenCached() throws IOException {
    Written written = files.write(SstOptions.defaults(), sequentialEntries(1000, 10));
    CountingInputFile file = SstFiles.counting(written.location());
    BlockCache cache = BlockCache.clock(1 << 20);

    try (SstReader reader = SstReader.open(file, 1, cache)) {
      int readsAfterOpen = file.reads();
      assertThat(reader.get(key(500))).isNotNull();
      assertThat(file.reads()).isEqualTo(readsAfterOpen + 1);
      assertThat(reader.get(key(500))).isNotNull();
      assertThat(reader.get(key(501))).isNotNull(); // same block
      assertThat(file.reads()).isEqualTo(readsAfterOpen + 1);
      assertThat(reader.readRequests()).isEqualTo(file.reads());
      assertThat(cache.stats().hits()).isEqualTo(2);
      assertThat(cache.stats().misses()).isEqualTo(1);
    }
  }

  @Test
  void withoutCacheEveryGetReadsItsBlock() throws IOException {
    Written written = files.write(SstOptions.defaults(), sequentialEntries(1000, 10));
    CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none())) {
      int readsAfterOpen = file.reads();
      reader.get(key(7));
      reader.get(key(7));
      assertThat(file.reads()).isEqualTo(readsAfterOpen + 2);
    }
  }

  @Test
  void secondReaderOfSameFileIdIsServedByTheSharedCache() throws IOException {
    Written written = files.write(SstOptions.defaults(), sequentialEntries(1000, 10));
    BlockCache cache = BlockCache.clock(1 << 20);
    try (SstReader first = SstReader.open(SstFiles.counting(written.location()), 42, cache)) {
      SstFiles.readAll(first);
    }
    CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader second = SstReader.open(file, 42, cache)) {
      assertThat(SstFiles.readAll(second)).hasSize(1000);
      assertThat(file.rangedReads.get()).isZero();
    }
  }

  @Test
  void scanReadsEachBlockOnce() throws IOException {
    Written written = files.write(SstOptions.defaults(), sequentialEntries(5000, 10));
    CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none())) {
      SstFiles.readAll(reader);
      assertThat(file.rangedReads.get()).isEqualTo((int) written.properties().dataBlockCount());
    }
  }

  @Test
  void missingFileFailsWithTheStoragesNoSuchFileException() {
    var location = files.newLocation();

    assertThatThrownBy(() -> SstFiles.open(location, BlockCache.none()))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(location.toString());
  }

  @Test
  void closedReaderRefusesGets() throws IOException {
    Written written = files.write(SstOptions.defaults(), sequentialEntries(10, 1));
    SstReader reader = SstFiles.open(written.location(), BlockCache.none());
    reader.close();

    assertThatThrownBy(() -> reader.get(key(1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shortOrForeignHintFallsBackToReadingTheTail() throws IOException {
    Written written = files.write(SstOptions.defaults(), SstFiles.randomEntries(new Random(9), 200, 20));
    byte[] tail = written.tail();
    byte[] shortHint = java.util.Arrays.copyOfRange(tail, tail.length - Footer.SIZE, tail.length);
    CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none(), shortHint)) {
      assertThat(file.tailReads.get()).isEqualTo(1);
      assertThat(reader.properties()).isEqualTo(written.properties());
    }
  }

  @Test
  void sequentialIteratorReadsRunsOfBlocksAndReturnsTheSameEntries() throws IOException {
    List<Entry> entries = sequentialEntries(20_000, 100); // ~2 MB of 4 KiB blocks
    Written written = files.write(SstOptions.defaults(), entries);
    long blocks = written.properties().dataBlockCount();
    CountingInputFile file = SstFiles.counting(written.location());
    int readahead = 256 << 10;

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none());
        SstIterator it = reader.sequentialIterator(readahead)) {
      int before = file.reads();
      List<Entry> read = new ArrayList<>();
      for (it.seekToFirst(); it.valid(); it.next()) {
        read.add(it.entry());
      }

      assertThat(read).isEqualTo(entries);
      long dataBytes = written.properties().fileSize(); // an upper bound of the data blocks' bytes
      assertThat((long) file.reads() - before)
          .as("ranged reads for %d blocks", blocks)
          .isBetween(1L, dataBytes / readahead + 2)
          .isLessThan(blocks / 10);
    }
  }

  @Test
  void sequentialIteratorSeeksAndReadsBlocksLargerThanTheReadahead() throws IOException {
    List<Entry> entries = sequentialEntries(2_000, 100);
    Written written = files.write(SstOptions.defaults(), entries);
    CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none());
        SstIterator it = reader.sequentialIterator(1)) { // every run is one block
      it.seek(key(1_500));
      List<Entry> read = new ArrayList<>();
      for (; it.valid(); it.next()) {
        read.add(it.entry());
      }
      assertThat(read).isEqualTo(entries.subList(1_500, 2_000));
    }
    try (SstReader reader = SstReader.open(file, 1, BlockCache.none())) {
      assertThatThrownBy(() -> reader.sequentialIterator(0)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void sequentialIteratorReportsADamagedBlockWithItsOffset() throws IOException {
    Written written = files.write(SstOptions.defaults(), sequentialEntries(2_000, 100));
    java.nio.file.Path path = java.nio.file.Path.of(written.location().path());
    byte[] content = java.nio.file.Files.readAllBytes(path);
    content[5_000] ^= 0x10; // inside the second data block
    java.nio.file.Files.write(path, content);

    try (SstReader reader = SstReader.open(SstFiles.counting(written.location()), 1, BlockCache.none());
        SstIterator it = reader.sequentialIterator(1 << 20)) {
      assertThatThrownBy(
              () -> {
                for (it.seekToFirst(); it.valid(); it.next()) {
                  it.entry();
                }
              })
          .isInstanceOf(SstCorruptionException.class)
          .hasMessageContaining("data block")
          .hasMessageContaining(path.getFileName().toString());
    }
  }
}
