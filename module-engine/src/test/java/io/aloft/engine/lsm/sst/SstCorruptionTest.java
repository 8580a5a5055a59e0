package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.key.InternalKey;

import io.aloft.engine.lsm.block.SstCorruptionException;

import io.aloft.engine.lsm.block.Block;
import io.aloft.engine.lsm.block.BlockCursor;
import io.aloft.engine.lsm.block.BlockCodec;
import io.aloft.engine.lsm.block.BlockHandle;
import io.aloft.engine.lsm.block.ByteSink;
import io.aloft.engine.lsm.block.Coding;
import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.RangeTombstone;

import static io.aloft.engine.lsm.sst.SstFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.aloft.engine.lsm.sst.SstFiles.MemoryInputFile;
import io.aloft.engine.lsm.sst.SstFiles.Written;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damage is reported as {@link SstCorruptionException} naming the file and the offset of the bad block
 * or footer, and never read as data.
 */
class SstCorruptionTest {

  @TempDir Path dir;
  private SstFiles files;

  @BeforeEach
  void setUp() {
    files = new SstFiles(dir);
  }

  /** What reading a file in full yields. */
  private record Contents(SstProperties properties, List<RangeTombstone> tombstones, List<Entry> entries, List<Entry> gets) {}

  private static Contents readEverything(SstReader reader, List<Entry> model) throws IOException {
    List<Entry> gets = new ArrayList<>();
    for (Entry e : SstFiles.newestPerKey(model)) {
      gets.add(reader.get(e.userKey()));
    }
    gets.add(reader.get(bytes(0, 0x7F, 1))); // absent
    return new Contents(reader.properties(), reader.rangeTombstones(), SstFiles.readAll(reader), gets);
  }

  private static Contents readEverything(Location location, byte[] content, List<Entry> model) throws IOException {
    try (SstReader reader = SstReader.open(new MemoryInputFile(location, content), 1, BlockCache.none())) {
      return readEverything(reader, model);
    }
  }

  private Written smallFile(Compression compression, List<Entry> entries) throws IOException {
    List<RangeTombstone> tombstones =
        List.of(new RangeTombstone(bytes(0, 1, 5), bytes(0, 1, 9), 3), new RangeTombstone(bytes(0, 2), bytes(0, 3), 4));
    return files.write(new SstOptions(128, 4, 10, compression), entries, tombstones);
  }

  private static List<Entry> smallEntries() {
    return SstFiles.randomEntries(new Random(11), 40, 100);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void everyFlippedBitIsReportedWithFileAndOffset(Compression compression) throws IOException {
    List<Entry> model = smallEntries();
    Written written = smallFile(compression, model);
    byte[] original = Files.readAllBytes(Path.of(written.location().path()));
    Contents expected = readEverything(written.location(), original, model);
    int tailStart = original.length - written.tail().length;
    Random random = new Random(compression.ordinal());

    int flips = 0;
    for (int pos = 0; pos < original.length; pos++) {
      boolean inTail = pos >= tailStart;
      for (int bit = 0; bit < 8; bit++) {
        if (!inTail && bit != random.nextInt(8)) {
          continue; // one random bit of each data byte, every bit of the tail and footer
        }
        byte[] damaged = original.clone();
        damaged[pos] ^= (byte) (1 << bit);
        flips++;
        try {
          Contents actual = readEverything(written.location(), damaged, model);
          // Only bytes that are never read could change silently, and this format has none.
          fail("flip of bit %d at %d was not detected; the result was %s", bit, pos,
              actual.equals(expected) ? "correct" : "WRONG");
        } catch (SstCorruptionException e) {
          assertThat(e.location()).isEqualTo(written.location());
          assertThat(e.offset()).as("offset for a flip at %d: %s", pos, e.getMessage()).isBetween(0L, (long) pos);
          assertThat(e.getMessage()).contains(written.location().toString(), "offset " + e.offset());
        } catch (IOException | RuntimeException e) {
          throw new AssertionError("flip of bit " + bit + " at " + pos + " failed with " + e, e);
        }
      }
    }
    assertThat(flips).isGreaterThan(original.length);
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void damageBehindAForgedChecksumNeverEscapesAsAnotherException(Compression compression) throws IOException {
    List<Entry> model = smallEntries();
    Written written = smallFile(compression, model);
    byte[] original = Files.readAllBytes(Path.of(written.location().path()));
    List<long[]> blocks = blocksOf(written.location(), original);
    Random random = new Random(100 + compression.ordinal());

    for (int round = 0; round < 3000; round++) {
      byte[] damaged = original.clone();
      long[] block = blocks.get(random.nextInt(blocks.size()));
      int offset = (int) block[0];
      int size = (int) block[1];
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        int at = offset + random.nextInt(size + 1); // the compression byte too
        damaged[at] = random.nextInt(3) == 0 ? (byte) 0xFF : (byte) random.nextInt(256);
      }
      if (offset + size == original.length) { // the footer
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(damaged, offset, 64);
        Coding.writeInt(damaged, offset + 64, (int) crc.getValue());
      } else {
        Coding.writeInt(damaged, offset + size + 1, BlockCodec.checksum(damaged, offset, size, damaged[offset + size]));
      }
      try {
        readEverything(written.location(), damaged, model);
      } catch (SstCorruptionException e) {
        assertThat(e.location()).isEqualTo(written.location());
      } catch (IOException | RuntimeException e) {
        throw new AssertionError("round " + round + ", damage in the block at " + offset + " escaped as " + e, e);
      }
    }
  }

  /** {offset, stored size} of every block; the footer as {offset, 76 - 1} with its CRC at 64. */
  private static List<long[]> blocksOf(Location location, byte[] file) throws IOException {
    Footer footer = Footer.decode(file, file.length - Footer.SIZE, location, file.length - Footer.SIZE);
    List<long[]> blocks = new ArrayList<>();
    for (BlockHandle h : List.of(footer.index(), footer.filter(), footer.rangeTombstones(), footer.properties())) {
      if (h.isPresent()) {
        blocks.add(new long[] {h.offset(), h.size()});
      }
    }
    BlockHandle ih = footer.index();
    BlockCodec.Content content = BlockCodec.decode(file, (int) ih.offset(), ih.size(), location, ih.offset(), "index");
    BlockIndex index =
        BlockIndex.decode(Block.parse(content.bytes(), content.length(), Block.Type.META, location, ih.offset()),
            footer.tailOffset(), location, ih.offset());
    for (int i = 0; i < index.count(); i++) {
      blocks.add(new long[] {index.offset(i), index.size(i)});
    }
    blocks.add(new long[] {file.length - Footer.SIZE, 60}); // fields and version; CRC and magic stay
    return blocks;
  }

  @Test
  void truncatedFileIsCorrupt() throws IOException {
    List<Entry> model = smallEntries();
    Written written = smallFile(Compression.LZ4, model);
    byte[] original = Files.readAllBytes(Path.of(written.location().path()));

    for (int length : new int[] {0, 1, Footer.SIZE - 1, Footer.SIZE, original.length / 2, original.length - 1}) {
      byte[] truncated = Arrays.copyOf(original, length);
      assertThatThrownBy(() -> readEverything(written.location(), truncated, model))
          .as("truncated to %d bytes", length)
          .isInstanceOf(SstCorruptionException.class)
          .hasMessageContaining(written.location().toString())
          .hasMessageContaining("offset");
    }
  }

  @Test
  void truncatedLargeFileOnDiskIsCorruptNamingTheFooterOffset() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      entries.add(Entry.put(bytes(0, 1, i >> 8, i), 1, new byte[30]));
    }
    Written written = files.write(SstOptions.defaults().withCompression(Compression.NONE), entries);
    Path path = Path.of(written.location().path());
    byte[] original = Files.readAllBytes(path);
    Files.write(path, Arrays.copyOf(original, original.length - 1000));

    assertThatThrownBy(() -> SstFiles.open(written.location(), BlockCache.none()))
        .isInstanceOf(SstCorruptionException.class)
        .hasMessageContaining(written.location().toString())
        .hasMessageContaining("bad magic")
        .extracting(e -> ((SstCorruptionException) e).offset())
        .isEqualTo((long) original.length - 1000 - Footer.SIZE);
  }

  @Test
  void bytesAppendedToAFileAreCorruption() throws IOException {
    List<Entry> model = smallEntries();
    Written written = smallFile(Compression.NONE, model);
    byte[] original = Files.readAllBytes(Path.of(written.location().path()));
    byte[] longer = Arrays.copyOf(original, original.length + Footer.SIZE);
    System.arraycopy(original, original.length - Footer.SIZE, longer, original.length, Footer.SIZE);

    assertThatThrownBy(() -> readEverything(written.location(), longer, model))
        .isInstanceOf(SstCorruptionException.class)
        .hasMessageContaining("truncated or appended");
  }

  @Test
  void badMagicIsCorrupt() throws IOException {
    List<Entry> model = smallEntries();
    Written written = smallFile(Compression.NONE, model);
    byte[] content = Files.readAllBytes(Path.of(written.location().path()));
    Coding.writeLong(content, content.length - 8, 0x1234_5678L);

    assertThatThrownBy(() -> readEverything(written.location(), content, model))
        .isInstanceOf(SstCorruptionException.class)
        .hasMessageContaining("bad magic")
        .hasMessageContaining("offset " + (content.length - Footer.SIZE));
  }

  @Test
  void unknownFormatVersionIsCorruptNamingTheVersion() throws IOException {
    List<Entry> model = smallEntries();
    Written written = smallFile(Compression.NONE, model);
    byte[] content = Files.readAllBytes(Path.of(written.location().path()));
    int footer = content.length - Footer.SIZE;
    Coding.writeInt(content, footer + 60, 3);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(content, footer, 64);
    Coding.writeInt(content, footer + 64, (int) crc.getValue());

    assertThatThrownBy(() -> readEverything(written.location(), content, model))
        .isInstanceOf(SstCorruptionException.class)
        .hasMessageContaining("unknown format version 3");
  }

  /** Block content: {@code entries}, the restart offsets, their count. */
  private static byte[] block(byte[] entries, int... restarts) {
    ByteSink sink = new ByteSink(64);
    sink.write(entries);
    for (int r : restarts) {
      sink.writeInt(r);
    }
    sink.writeInt(restarts.length);
    return sink.toByteArray();
  }

  @Test
  void malformedBlocksAreCorruptNotIndexErrors() throws IOException {
    Location location = Location.of("/x/1.sst");
    byte[] putEntry = bytes(0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    List<byte[]> malformed =
        List.of(
            bytes(), // no restart count
            bytes(0x7F, 0xFF, 0xFF, 0xFF), // absurd restart count
            block(bytes()), // a data block without entries
            block(bytes(9, 0, 0), 0), // a restart point sharing bytes
            block(bytes(0, 0x80, 0x80, 0x80, 0x80, 0x80, 0), 0), // endless varint
            block(bytes(0, 0x80, 0x80, 0x80, 0x80, 0x10, 0), 0), // a varint over 32 bits
            block(bytes(0, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0), 0), // key past the end
            block(bytes(0, 2, 0, 1, 2), 0), // key shorter than its trailer
            block(bytes(0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 7), 0), // unknown kind
            block(bytes(0, 8, 1, 0, 0, 0, 0, 0, 0, 0, 0, 42), 0), // a delete with a value
            block(bytes(0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9, 0, 0), 0), // shares more than the previous key
            block(putEntry, 0, 5), // a restart point inside an entry
            block(putEntry, 3), // the first entry not a restart point
            // user keys "b" then "a": out of key order (the checksum would be valid)
            block(bytes(0, 9, 0, 0x62, 0, 0, 0, 0, 0, 0, 1, 1, 0, 9, 0, 0x61, 0, 0, 0, 0, 0, 0, 1, 1), 0, 12),
            // two versions of "a" with the older first (sequence numbers must descend)
            block(bytes(0, 9, 0, 0x61, 0, 0, 0, 0, 0, 0, 1, 1, 0, 9, 0, 0x61, 0, 0, 0, 0, 0, 0, 2, 1), 0, 12));
    // Block.parse checks the restart array; a cursor checks each entry as it reads it.
    for (byte[] content : malformed) {
      assertThatThrownBy(() -> walk(Block.parse(content, content.length, Block.Type.DATA, location, 4096)))
          .as("block %s", InternalKey.describe(content))
          .isInstanceOf(SstCorruptionException.class)
          .hasMessageContaining("offset 4096");
    }
    Block good = Block.parse(block(putEntry, 0), 19, Block.Type.DATA, location, 0);
    assertThat(good.sizeInBytes()).isEqualTo(19);
    assertThat(walk(good)).isEqualTo(1);
  }

  /** Reads every entry of {@code block} with a cursor, and again by seeking each restart point's key. */
  private static int walk(Block block) throws SstCorruptionException {
    BlockCursor cursor = new BlockCursor(InternalKey.TRAILER_BYTES).reset(block);
    int entries = 0;
    for (cursor.seekToFirst(); cursor.valid(); cursor.next()) {
      entries++;
    }
    cursor.seek(new byte[] {0x61});
    return entries;
  }
}
