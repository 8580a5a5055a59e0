package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.key.InternalKey;

import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;

import static io.aloft.engine.lsm.sst.SstFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.lsm.sst.SstFiles.Written;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What is written is what is read, for every compression and block layout. */
class SstRoundTripTest {

  @TempDir Path dir;
  private SstFiles files;

  @BeforeEach
  void setUp() {
    files = new SstFiles(dir);
  }

  static Stream<Arguments> layouts() {
    int[][] layouts = {{1, 1}, {64, 1}, {256, 4}, {4096, 16}, {16384, 3}};
    return Stream.of(Compression.values())
        .flatMap(c -> Arrays.stream(layouts).map(l -> Arguments.of(c, l[0], l[1])));
  }

  @ParameterizedTest(name = "{0}, {1}-byte blocks, a restart every {2} entries")
  @MethodSource("layouts")
  void everyEntryReadsBackInOrderAndNewestByGet(Compression compression, int blockSize, int restartInterval)
      throws IOException {
    long seed = 31L * compression.ordinal() + 7L * blockSize + restartInterval;
    Random random = new Random(seed);
    List<Entry> entries = SstFiles.randomEntries(random, 1500, Math.max(blockSize, 64));
    SstOptions options = new SstOptions(blockSize, restartInterval, 10, compression);
    Written written = files.write(options, entries);

    try (SstReader reader = SstFiles.open(written.location(), BlockCache.none())) {
      assertThat(SstFiles.readAll(reader)).as("seed %d", seed).containsExactlyElementsOf(entries);
      for (Entry newest : SstFiles.newestPerKey(entries)) {
        assertThat(reader.get(newest.userKey())).as("seed %d", seed).isEqualTo(newest);
      }
      TreeSet<byte[]> present = new TreeSet<>(Arrays::compareUnsigned);
      entries.forEach(e -> present.add(e.userKey()));
      for (int i = 0; i < 500; i++) {
        byte[] absent = new byte[1 + random.nextInt(12)];
        random.nextBytes(absent);
        absent[0] = (byte) random.nextInt(5);
        if (!present.contains(absent)) {
          assertThat(reader.get(absent)).as("seed %d, key %s", seed, InternalKey.describe(absent)).isNull();
        }
      }
      assertThat(reader.properties()).isEqualTo(written.properties());
      assertThat(reader.properties().fileSize()).isEqualTo(SstFiles.LOCAL.newInputFile(written.location()).length());
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void compressibleBlocksAreStoredSmallerUnlessUncompressed(Compression compression) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      entries.add(Entry.put(bytes(0, 1, i >> 8, i), 5, "the same value again and again".getBytes()));
    }
    Written written = files.write(SstOptions.defaults().withCompression(compression), entries);

    long raw = written.properties().rawKeyBytes() + written.properties().rawValueBytes();
    if (compression == Compression.NONE) {
      assertThat(written.properties().fileSize()).isGreaterThan(raw / 2);
    } else {
      assertThat(written.properties().fileSize()).isLessThan(raw / 2);
    }
  }

  @Test
  void getReturnsNewestVersionWhenVersionsSpanBlocks() throws IOException {
    byte[] key = bytes(0, 7, 'k');
    List<Entry> entries =
        List.of(
            Entry.put(bytes(0, 7), 50, bytes(1)),
            Entry.put(key, 40, bytes(2)),
            Entry.put(key, 30, bytes(3)),
            Entry.delete(key, 20),
            Entry.put(key, 10, bytes(4)),
            Entry.put(bytes(0, 7, 'k', 0), 60, bytes(5)));
    for (int blockSize : new int[] {1, 40, 4096}) {
      for (int restartInterval : new int[] {1, 2, 16}) {
        Written written = files.write(new SstOptions(blockSize, restartInterval, 10, Compression.NONE), entries);
        try (SstReader reader = SstFiles.open(written.location(), BlockCache.none())) {
          assertThat(reader.get(key)).isEqualTo(Entry.put(key, 40, bytes(2)));
          assertThat(reader.get(bytes(0, 7))).isEqualTo(entries.get(0));
          assertThat(reader.get(bytes(0, 7, 'k', 0))).isEqualTo(entries.get(5));
          assertThat(reader.get(bytes(0, 7, 'j'))).isNull();
          assertThat(SstFiles.readAll(reader)).containsExactlyElementsOf(entries);
        }
      }
    }
  }

  /**
   * The index compares the first 8 bytes of separators as numbers before their bytes: keys shorter
   * than 8 bytes, keys that are zero-padded versions of each other, and keys sharing their first 8
   * bytes must all find their block, and absent keys between them none.
   */
  @Test
  void keysShorterThanOrSharingTheIndexPrefixAreAllFound() throws IOException {
    Random random = new Random(19);
    byte[] alphabet = {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF};
    TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
    while (keys.size() < 3000) {
      byte[] k = new byte[random.nextInt(13)];
      for (int i = 0; i < k.length; i++) {
        k[i] = alphabet[random.nextInt(alphabet.length)];
      }
      keys.add(k);
    }
    List<byte[]> present = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    int i = 0;
    for (byte[] k : keys) {
      if (i++ % 2 == 0) { // every other key written: the rest are absent keys between present ones
        present.add(k);
        entries.add(Entry.put(k, 1, bytes(i & 0x7F)));
      }
    }
    for (int blockSize : new int[] {1, 64, 4096}) {
      Written written = files.write(new SstOptions(blockSize, 2, 0, Compression.NONE), entries);
      try (SstReader reader = SstFiles.open(written.location(), BlockCache.none())) {
        for (Entry e : entries) {
          assertThat(reader.get(e.userKey())).as("block size %d, key %s", blockSize, Arrays.toString(e.userKey()))
              .isEqualTo(e);
        }
        for (byte[] k : keys) {
          if (!present.contains(k)) {
            assertThat(reader.get(k)).as("absent key %s", Arrays.toString(k)).isNull();
          }
        }
      }
    }
  }

  @Test
  void newestDeleteIsReturnedAsDelete() throws IOException {
    byte[] key = bytes(0, 1, 2);
    Written written =
        files.write(SstOptions.defaults(), List.of(Entry.delete(key, 9), Entry.put(key, 8, bytes(1))));

    try (SstReader reader = SstFiles.open(written.location(), BlockCache.none())) {
      assertThat(reader.get(key)).isEqualTo(Entry.delete(key, 9));
      assertThat(reader.get(key).value()).isEmpty();
    }
  }

  @Test
  void emptyKeysAndValuesAndLargestSeqRoundTrip() throws IOException {
    long maxSeq = (1L << 56) - 1;
    List<Entry> entries =
        List.of(
            Entry.put(new byte[0], maxSeq, new byte[0]),
            Entry.put(new byte[0], 0, bytes(1)),
            Entry.put(bytes(0xFF, 0xFF, 0xFF), maxSeq, new byte[0]));
    Written written = files.write(SstOptions.defaults(), entries);

    try (SstReader reader = SstFiles.open(written.location(), BlockCache.none())) {
      assertThat(SstFiles.readAll(reader)).containsExactlyElementsOf(entries);
      assertThat(reader.get(new byte[0])).isEqualTo(entries.get(0));
      assertThat(reader.properties().minKeyGroup()).isZero();
      assertThat(reader.properties().maxKeyGroup()).isEqualTo(0xFFFF);
      assertThat(reader.properties().maxSeq()).isEqualTo(maxSeq);
    }
  }

  @Test
  void fileWithoutFilterFindsEveryKey() throws IOException {
    List<Entry> entries = SstFiles.randomEntries(new Random(3), 500, 100);
    Written written = files.write(SstOptions.defaults().withBloomBitsPerKey(0), entries);

    try (SstReader reader = SstFiles.open(written.location(), BlockCache.none())) {
      assertThat(reader.mayContain(bytes(9, 9, 9))).isTrue();
      for (Entry newest : SstFiles.newestPerKey(entries)) {
        assertThat(reader.get(newest.userKey())).isEqualTo(newest);
      }
    }
  }
}
