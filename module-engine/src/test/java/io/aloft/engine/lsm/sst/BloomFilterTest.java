package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.lsm.sst.SstFiles.Written;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Bloom filter's false-positive rate, measured on a real file. */
class BloomFilterTest {

  @TempDir Path dir;

  private static byte[] key(int keyGroup, long id) {
    // Keys of one state share a prefix, as in the engine: key group, state id, then the key.
    return ByteBuffer.allocate(2 + 4 + 8).putShort((short) keyGroup).putInt(17).putLong(id).array();
  }

  @Test
  void tenBitsPerKeyGiveUnderTwoPercentFalsePositivesOn100kAbsentKeys() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (long i = 0; i < 100_000; i++) {
      entries.add(Entry.put(key(5, 2 * i), 1, new byte[0]));
    }
    Written written = new SstFiles(dir).write(SstOptions.defaults().withBloomBitsPerKey(10), entries);

    try (SstReader reader = SstFiles.open(written.location(), BlockCache.none())) {
      for (Entry e : entries) {
        assertThat(reader.mayContain(e.userKey())).isTrue();
      }
      int falsePositives = 0;
      for (long i = 0; i < 100_000; i++) {
        if (reader.mayContain(key(5, 2 * i + 1))) {
          falsePositives++;
        }
      }
      double rate = falsePositives / 100_000.0;
      System.out.printf("Bloom filter, 10 bits/key: %.3f%% false positives%n", 100 * rate);
      assertThat(rate).isLessThan(0.02);
    }
  }

  @Test
  void probesAreBitsPerKeyTimesLnTwo() {
    assertThat(BloomFilter.probes(10)).isEqualTo(7);
    assertThat(BloomFilter.probes(1)).isEqualTo(1);
    assertThat(BloomFilter.probes(64)).isEqualTo(30);
  }
}
