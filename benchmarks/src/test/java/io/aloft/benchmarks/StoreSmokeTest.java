package io.aloft.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs what each benchmark runs, on a small data set and without timing: both engines must load the
 * data set and answer gets and prefix scans correctly, or their numbers would mean nothing.
 */
class StoreSmokeTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"aloft", "rocksdb", "forst"})
  void loadsAndAnswersEveryBenchmarkOperation(String engine) throws Exception {
    System.setProperty(ScratchDir.DIR_PROPERTY, dir.toString());
    Dataset data = new Dataset(20_000);
    // A cache an eighth of the data, as in the larger-than-cache benchmark, so misses happen too.
    try (LoadedStore s = LoadedStore.loaded(engine, data, EngineSettings.withBlockCache(data.rawBytes() / 8))) {
      for (long i = 0; i < data.keys(); i += 97) {
        assertThat(s.store.get(data.key(i))).as("key %d", i).isEqualTo(data.value(i));
      }
      for (long g = 0; g < data.prefixes(); g += 13) {
        Store.ScanResult scan = s.store.scan(data.prefix(g), Dataset.KEYS_PER_PREFIX);
        assertThat(scan.entries()).isEqualTo(Dataset.KEYS_PER_PREFIX);
        assertThat(scan.bytes()).isEqualTo((long) Dataset.KEYS_PER_PREFIX * (Dataset.KEY_BYTES + Dataset.VALUE_BYTES));
      }
      byte[] absent = new byte[Dataset.KEY_BYTES];
      Arrays.fill(absent, (byte) 0xFF); // no group number has 48 one bits
      assertThat(s.store.get(absent)).isNull();
      assertThat(s.store.describe()).isNotBlank();
    } finally {
      System.clearProperty(ScratchDir.DIR_PROPERTY);
    }
    assertThat(dir).isEmptyDirectory();
  }

  @ParameterizedTest
  @ValueSource(strings = {"aloft", "rocksdb", "forst"})
  void fillBenchmarkLoadsAnEmptyStoreAndRemovesItsData(String engine) throws Exception {
    System.setProperty(ScratchDir.DIR_PROPERTY, dir.toString());
    try {
      FillBenchmark bench = new FillBenchmark();
      bench.engine = engine;
      bench.keys = 10_000;
      bench.cacheMb = 8;
      bench.open();
      assertThat(bench.fillRandom()).isEqualTo(10_000);
      bench.close();
    } finally {
      System.clearProperty(ScratchDir.DIR_PROPERTY);
    }
    assertThat(dir).isEmptyDirectory();
  }
}
