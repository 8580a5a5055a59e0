package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.RangeTombstone;

import static io.aloft.engine.lsm.sst.SstFiles.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.engine.lsm.sst.SstFiles.Written;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer accepts, refuses and records. */
class SstWriterTest {

  @TempDir Path dir;
  private SstFiles files;

  @BeforeEach
  void setUp() {
    files = new SstFiles(dir);
  }

  private SstWriter newWriter(Location location) throws IOException {
    return new SstWriter(SstFiles.LOCAL.newOutputFile(location).create(), location, SstOptions.defaults());
  }

  @Test
  void outOfOrderKeyIsRejectedNamingBothKeys() throws IOException {
    Location location = files.newLocation();
    try (SstWriter writer = newWriter(location)) {
      writer.add(Entry.put(bytes(0, 1, 0xB0), 5, bytes(1)));

      assertThatThrownBy(() -> writer.add(Entry.put(bytes(0, 1, 0xA0), 9, bytes(1))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("0x0001a0@9")
          .hasMessageContaining("0x0001b0@5")
          .hasMessageContaining(location.toString());
    }
  }

  @Test
  void sameKeyMustComeWithDescendingSeq() throws IOException {
    try (SstWriter writer = newWriter(files.newLocation())) {
      writer.add(Entry.put(bytes(0, 1), 5, bytes(1)));

      assertThatThrownBy(() -> writer.add(Entry.put(bytes(0, 1), 5, bytes(2))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> writer.add(Entry.put(bytes(0, 1), 6, bytes(2))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("0x0001@6 after 0x0001@5");
    }
  }

  @Test
  void writerStaysUsableAfterRejectingAnEntry() throws IOException {
    Location location = files.newLocation();
    try (SstWriter writer = newWriter(location)) {
      writer.add(Entry.put(bytes(0, 2), 5, bytes(1)));
      assertThatThrownBy(() -> writer.add(Entry.put(bytes(0, 1), 5, bytes(1))))
          .isInstanceOf(IllegalArgumentException.class);
      writer.add(Entry.put(bytes(0, 3), 5, bytes(3)));
      writer.finish();
    }
    try (SstReader reader = SstFiles.open(location, BlockCache.none())) {
      assertThat(SstFiles.readAll(reader))
          .containsExactly(Entry.put(bytes(0, 2), 5, bytes(1)), Entry.put(bytes(0, 3), 5, bytes(3)));
    }
  }

  @Test
  void seqOutsideFiftySixBitsAndDeleteWithValueAreRejected() throws IOException {
    try (SstWriter writer = newWriter(files.newLocation())) {
      assertThatThrownBy(() -> writer.add(Entry.put(bytes(0, 1), 1L << 56, bytes(1))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("2^56");
      assertThatThrownBy(() -> writer.add(Entry.put(bytes(0, 1), -1, bytes(1))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> writer.add(new Entry(bytes(0, 1), 1, EntryKind.DELETE, bytes(1))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void emptyRangeTombstoneIsRejected() throws IOException {
    try (SstWriter writer = newWriter(files.newLocation())) {
      assertThatThrownBy(() -> writer.addRangeTombstone(new RangeTombstone(bytes(0, 2), bytes(0, 2), 1)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> writer.addRangeTombstone(new RangeTombstone(bytes(0, 3), bytes(0, 2), 1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void finishWithNothingThrowsAndPublishesNothing() throws IOException {
    Location location = files.newLocation();
    try (SstWriter writer = newWriter(location)) {
      assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class);
    }
    assertThat(listFiles()).isEmpty();
  }

  @Test
  void closeWithoutFinishPublishesNothing() throws IOException {
    Location location = files.newLocation();
    try (SstWriter writer = newWriter(location)) {
      writer.add(Entry.put(bytes(0, 1), 1, bytes(1)));
    }
    assertThat(listFiles()).isEmpty();
    assertThat(SstFiles.LOCAL.exists(location)).isFalse();
  }

  @Test
  void writerRefusesUseAfterFinish() throws IOException {
    try (SstWriter writer = newWriter(files.newLocation())) {
      writer.add(Entry.put(bytes(0, 1), 1, bytes(1)));
      writer.finish();
      assertThatThrownBy(() -> writer.add(Entry.put(bytes(0, 2), 1, bytes(1))))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void rangeTombstonesAndPropertiesRoundTrip() throws IOException {
    List<Entry> entries =
        List.of(
            Entry.put(bytes(0, 3, 1), 40, bytes(1, 2, 3)),
            Entry.delete(bytes(0, 3, 1), 30),
            Entry.put(bytes(0, 9), 35, new byte[0]),
            Entry.delete(bytes(0, 9, 9), 33));
    List<RangeTombstone> tombstones =
        List.of(
            new RangeTombstone(bytes(0, 5), bytes(0, 7), 60),
            new RangeTombstone(bytes(0, 2, 8), bytes(0, 3), 12),
            new RangeTombstone(bytes(0, 5), bytes(0, 6), 61),
            new RangeTombstone(bytes(0, 9, 9, 1), bytes(0, 12, 0), 20));
    Written written = files.write(SstOptions.defaults(), entries, tombstones);

    SstProperties p = written.properties();
    assertThat(p.formatVersion()).isEqualTo(SstFormat.FORMAT_VERSION);
    assertThat(p.smallestKey()).isEqualTo(bytes(0, 2, 8));
    assertThat(p.largestKey()).isEqualTo(bytes(0, 12, 0));
    assertThat(p.entryCount()).isEqualTo(4);
    assertThat(p.tombstoneCount()).isEqualTo(2);
    assertThat(p.rangeTombstoneCount()).isEqualTo(4);
    assertThat(p.minKeyGroup()).isEqualTo(2);
    assertThat(p.maxKeyGroup()).isEqualTo(12);
    assertThat(p.minSeq()).isEqualTo(12);
    assertThat(p.maxSeq()).isEqualTo(61);
    assertThat(p.dataBlockCount()).isEqualTo(1);
    assertThat(p.rawKeyBytes()).isEqualTo(3 + 3 + 2 + 3);
    assertThat(p.rawValueBytes()).isEqualTo(3);
    assertThat(p.fileSize()).isEqualTo(Files.size(Path.of(written.location().path())));

    try (SstReader reader = SstFiles.open(written.location(), BlockCache.none())) {
      assertThat(reader.properties()).isEqualTo(p);
      assertThat(reader.rangeTombstones())
          .containsExactly(tombstones.get(1), tombstones.get(2), tombstones.get(0), tombstones.get(3));
      assertThat(SstFiles.readAll(reader)).containsExactlyElementsOf(entries);
    }
  }

  @Test
  void tombstoneEndingAtKeyGroupBoundaryDoesNotReachThatGroup() throws IOException {
    Written written =
        files.write(SstOptions.defaults(), List.of(), List.of(new RangeTombstone(bytes(0, 4), bytes(0, 6), 3)));

    assertThat(written.properties().minKeyGroup()).isEqualTo(4);
    assertThat(written.properties().maxKeyGroup()).isEqualTo(5);
  }

  @Test
  void fileWithOnlyRangeTombstonesHasNoEntriesAndNoFilterHits() throws IOException {
    RangeTombstone t = new RangeTombstone(bytes(0, 1), bytes(0, 2), 7);
    Written written = files.write(SstOptions.defaults(), List.of(), List.of(t));

    try (SstReader reader = SstFiles.open(written.location(), BlockCache.none())) {
      assertThat(reader.properties().entryCount()).isZero();
      assertThat(reader.properties().dataBlockCount()).isZero();
      assertThat(reader.properties().minSeq()).isEqualTo(7);
      assertThat(reader.rangeTombstones()).containsExactly(t);
      assertThat(reader.mayContain(bytes(0, 1, 5))).isFalse();
      assertThat(reader.get(bytes(0, 1, 5))).isNull();
      assertThat(SstFiles.readAll(reader)).isEmpty();
      try (SstIterator it = reader.iterator()) {
        it.seek(bytes(0));
        assertThat(it.valid()).isFalse();
      }
    }
  }

  @Test
  void estimatedSizeGrowsWithEntriesAndEndsNearFileSize() throws IOException {
    Location location = files.newLocation();
    try (SstWriter writer = newWriter(location)) {
      assertThat(writer.estimatedSize()).isZero();
      long previous = 0;
      for (int i = 0; i < 5000; i++) {
        writer.add(Entry.put(bytes(0, 1, i >> 8, i), 1, new byte[20 + i % 7]));
        if (i % 500 == 499) {
          assertThat(writer.estimatedSize()).isGreaterThan(previous);
          previous = writer.estimatedSize();
        }
      }
      long beforeFinish = writer.estimatedSize();
      SstProperties p = writer.finish();
      assertThat(p.fileSize()).isBetween(beforeFinish, beforeFinish + 64 * 1024);
    }
  }

  @Test
  void writerTailOpensTheFileWithoutReadingIt() throws IOException {
    Written written = files.write(SstOptions.defaults(), SstFiles.randomEntries(new java.util.Random(2), 300, 50));
    SstFiles.CountingInputFile file = SstFiles.counting(written.location());

    try (SstReader reader = SstReader.open(file, 1, BlockCache.none(), written.tail())) {
      assertThat(file.reads()).isZero();
      assertThat(reader.readRequests()).isZero();
      assertThat(reader.properties()).isEqualTo(written.properties());
    }
  }

  private List<Path> listFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
