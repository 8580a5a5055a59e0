package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.engine.lsm.sst.SstFiles.Written;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random seeks and nexts over files of many small blocks behave like a sorted list. Each run prints its
 * seed on failure; set {@code -Dsst.seed=N} to rerun one seed.
 */
class SstIteratorModelTest {

  private static final int RUNS = 12;
  private static final int STEPS = 400;

  @TempDir Path dir;
  private SstFiles files;

  @BeforeEach
  void setUp() {
    files = new SstFiles(dir);
  }

  @Test
  void seekAndNextMatchSortedModel() throws IOException {
    String fixed = System.getProperty("sst.seed");
    long[] seeds = fixed != null ? new long[] {Long.parseLong(fixed)} : new Random().longs(RUNS).toArray();
    for (long seed : seeds) {
      try {
        runOneSeed(seed);
      } catch (AssertionError | RuntimeException | IOException e) {
        throw new AssertionError("failed with seed " + seed + " (rerun with -Dsst.seed=" + seed + ")", e);
      }
    }
  }

  private void runOneSeed(long seed) throws IOException {
    Random random = new Random(seed);
    List<Entry> model = SstFiles.randomEntries(random, 50 + random.nextInt(600), 200);
    Compression compression = Compression.values()[random.nextInt(3)];
    SstOptions options =
        new SstOptions(1 + random.nextInt(600), 1 + random.nextInt(20), random.nextInt(2) * 10, compression);
    Written written = files.write(options, model);
    BlockCache cache = random.nextBoolean() ? BlockCache.none() : BlockCache.clock(1 << 16);

    try (SstReader reader = SstFiles.open(written.location(), cache);
        SstIterator it = reader.iterator()) {
      int position = -1; // index into the model, -1: not positioned, model.size(): past the end
      for (int step = 0; step < STEPS; step++) {
        int action = random.nextInt(10);
        if (action == 0) {
          it.seekToFirst();
          position = 0;
        } else if (action < 4 || position < 0 || position >= model.size()) {
          byte[] target = seekTarget(random, model);
          it.seek(target);
          position = firstAtOrAfter(model, target);
        } else {
          it.next();
          position++;
        }
        boolean expectValid = position < model.size();
        assertThat(it.valid()).as("valid at step %d, options %s", step, options).isEqualTo(expectValid);
        if (expectValid) {
          assertThat(it.entry()).as("entry at step %d, options %s", step, options).isEqualTo(model.get(position));
        }
      }
    }
  }

  /** A key of the model, a neighbour of one, or a random key. */
  private static byte[] seekTarget(Random random, List<Entry> model) {
    byte[] key = model.get(random.nextInt(model.size())).userKey();
    return switch (random.nextInt(4)) {
      case 0 -> key;
      case 1 -> Arrays.copyOf(key, key.length + 1); // just after
      case 2 -> key.length == 0 ? key : Arrays.copyOf(key, key.length - 1); // at or before
      default -> {
        byte[] r = new byte[random.nextInt(6)];
        random.nextBytes(r);
        yield r;
      }
    };
  }

  private static int firstAtOrAfter(List<Entry> model, byte[] target) {
    int i = 0;
    while (i < model.size() && Arrays.compareUnsigned(model.get(i).userKey(), target) < 0) {
      i++;
    }
    return i;
  }

  @Test
  void iteratorOfUnpositionedOrExhaustedStateRefusesEntryAndNext() throws IOException {
    Written written = files.write(SstOptions.defaults(), List.of(Entry.put(SstFiles.bytes(0, 1), 1, SstFiles.bytes(2))));
    try (SstReader reader = SstFiles.open(written.location(), BlockCache.none());
        SstIterator it = reader.iterator()) {
      assertThat(it.valid()).isFalse();
      assertThatThrownBy(it::entry).isInstanceOf(IllegalStateException.class);
      it.seekToFirst();
      it.next();
      assertThat(it.valid()).isFalse();
      assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class);
      it.seek(SstFiles.bytes(0, 2));
      assertThat(it.valid()).isFalse();
    }
  }

  @Test
  void iteratorDoesNoIoUntilPositioned() throws IOException {
    Written written = files.write(SstOptions.defaults(), SstFiles.randomEntries(new Random(1), 100, 10));
    try (SstReader reader = SstReader.open(SstFiles.LOCAL.newInputFile(written.location()), 1, BlockCache.none())) {
      long afterOpen = reader.readRequests();
      SstIterator it = reader.iterator();
      assertThat(reader.readRequests()).isEqualTo(afterOpen);
      it.seekToFirst();
      assertThat(reader.readRequests()).isEqualTo(afterOpen + 1);
      it.close();
    }
  }
}
