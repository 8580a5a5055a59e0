package io.aloft.engine.lsm.memtable;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The memtable against a sorted-set model: gets, full and seeked iteration in internal order, values
 * of every size (large ones get arena chunks of their own), and readers running while the writer adds.
 */
class MemTableTest {

  /**
   * Keys of three shapes, so that the node's 16-byte key prefix decides some comparisons and the key
   * bytes others: 4 bytes; 16 to 24 bytes sharing their first 16; and short keys with trailing zero
   * bytes, which equal each other's zero-padded prefix.
   */
  private static byte[] key(int k) {
    return switch (k % 3) {
      case 0 -> new byte[] {0, (byte) (k % 7), (byte) (k >>> 8), (byte) k};
      case 1 -> {
        byte[] key = new byte[16 + k % 9];
        key[1] = 1;
        for (int i = 16; i < key.length; i++) {
          key[i] = (byte) (k >>> (i % 3 * 4));
        }
        yield key;
      }
      default -> java.util.Arrays.copyOf(new byte[] {0, 2, (byte) (k >>> 4)}, 3 + k % 5);
    };
  }

  @Test
  void getsAndIterationMatchASortedModel() {
    long seed = Long.getLong("aloft.test.seed", System.nanoTime());
    Random random = new Random(seed);
    MemTable table = new MemTable(1);
    TreeSet<Entry> model = new TreeSet<>(MemTable.INTERNAL_ORDER);
    for (long seq = 1; seq <= 20_000; seq++) {
      byte[] key = key(random.nextInt(3_000));
      int size = random.nextInt(50) == 0 ? 20_000 + random.nextInt(100_000) : random.nextInt(120);
      byte[] value = new byte[size];
      random.nextBytes(value);
      EntryKind kind = random.nextInt(10) == 0 ? EntryKind.DELETE : EntryKind.PUT;
      Entry e = kind == EntryKind.DELETE ? Entry.delete(key, seq) : Entry.put(key, seq, value);
      table.add(e.userKey(), seq, kind, kind == EntryKind.DELETE ? null : value);
      model.add(e);
    }
    assertThat(table.entryCount()).as("seed %d", seed).isEqualTo(model.size());
    assertThat(list(table.iterator(null))).as("seed %d", seed).containsExactlyElementsOf(model);
    for (int k = 0; k < 3_100; k += 7) {
      byte[] key = key(k);
      Entry newest = model.ceiling(new Entry(key, Long.MAX_VALUE >>> 8, EntryKind.PUT, new byte[0]));
      Entry expected = newest != null && java.util.Arrays.equals(newest.userKey(), key) ? newest : null;
      assertThat(table.get(key)).as("seed %d, key %d", seed, k).isEqualTo(expected);
      List<Entry> tail = new ArrayList<>();
      for (Iterator<Entry> it = table.iterator(key); it.hasNext() && tail.size() < 20; ) {
        tail.add(it.next());
      }
      assertThat(tail).as("seed %d, from key %d", seed, k)
          .containsExactlyElementsOf(
              model.tailSet(new Entry(key, Long.MAX_VALUE >>> 8, EntryKind.PUT, new byte[0]), true).stream().limit(20).toList());
    }
  }

  @Test
  void readersSeeEveryEntryAddedBeforeTheyStartAndNeverATornOne() throws Exception {
    MemTable table = new MemTable(2);
    int writes = 200_000;
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService readers = Executors.newFixedThreadPool(2);
    List<Future<Integer>> checks = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      checks.add(readers.submit(() -> {
        int rounds = 0;
        while (!done.get() && rounds < 500) {
          int seen = table.entryCount();
          // Every key k holds value k's bytes and versions seq = k * 1000 + v; entries stay in order.
          Entry previous = null;
          int count = 0;
          for (Iterator<Entry> it = table.iterator(null); it.hasNext(); ) {
            Entry e = it.next();
            if (previous != null && MemTable.INTERNAL_ORDER.compare(previous, e) >= 0) {
              throw new AssertionError(e + " after " + previous);
            }
            if (!java.util.Arrays.equals(e.value(), valueFor(e.seq()))) {
              throw new AssertionError("torn entry " + e);
            }
            previous = e;
            count++;
          }
          assertThat(count).isGreaterThanOrEqualTo(seen);
          rounds++;
        }
        return rounds;
      }));
    }
    Random random = new Random(5);
    for (int i = 1; i <= writes; i++) {
      long seq = i;
      table.add(key(random.nextInt(50_000)), seq, EntryKind.PUT, valueFor(seq));
    }
    done.set(true);
    for (Future<Integer> check : checks) {
      assertThat(check.get(2, TimeUnit.MINUTES)).isPositive();
    }
    readers.shutdown();
    assertThat(table.entryCount()).isEqualTo(writes);
    assertThat(table.approximateBytes()).isGreaterThan(writes * 10L);
  }

  private static byte[] valueFor(long seq) {
    byte[] value = new byte[(int) (seq % 13)];
    java.util.Arrays.fill(value, (byte) seq);
    return value;
  }

  private static List<Entry> list(Iterator<Entry> it) {
    List<Entry> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
