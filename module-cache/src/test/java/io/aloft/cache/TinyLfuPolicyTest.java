package io.aloft.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TinyLfuPolicyTest {
  private static final long FILE = 100 * 1024;

  /** Ten files' room; one hot file read twenty times among nine others, then a scan of fifty. */
  private static SimulatedCache scanAfterHotFile(SimulatedCache cache) {
    cache.insert("hot", FILE);
    for (int i = 0; i < 9; i++) {
      cache.insert("warm-" + i, FILE);
    }
    for (int i = 0; i < 20; i++) {
      cache.read("hot", FILE);
    }
    for (int i = 0; i < 50; i++) {
      cache.insert("scan-" + i, FILE);
    }
    return cache;
  }

  @Test
  void aFrequentlyReadFileSurvivesAOneOffScan() {
    SimulatedCache cache = scanAfterHotFile(new SimulatedCache(new TinyLfuPolicy(), 10 * FILE));

    assertThat(cache.cached).containsKey("hot");
  }

  @Test
  void withoutFrequencyTheSameScanEvictsTheFile() {
    // The scenario is meaningful: a plain LRU (no promotion) loses the hot file to the scan.
    SimulatedCache cache = scanAfterHotFile(new SimulatedCache(new TwoListLruPolicy(1, 0), 10 * FILE));

    assertThat(cache.cached).doesNotContainKey("hot");
  }

  @Test
  void aZipfianWorkloadHitsMoreOftenThanPlainLru() {
    double tinyLfu = hitRate(new TinyLfuPolicy());
    double lru = hitRate(new TwoListLruPolicy(1, 0));

    assertThat(tinyLfu).isGreaterThan(lru);
  }

  private static double hitRate(io.aloft.spi.cache.CachePolicy policy) {
    SimulatedCache cache = new SimulatedCache(policy, 20 * FILE);
    Random random = new Random(42);
    // Rank r is read with probability ~ 1/r over 200 files, interleaved with one-off scan files.
    double[] cumulative = new double[200];
    double sum = 0;
    for (int r = 0; r < cumulative.length; r++) {
      sum += 1.0 / (r + 1);
      cumulative[r] = sum;
    }
    for (int i = 0; i < 8_000; i++) {
      if (i % 4 == 0) {
        cache.read("scan-" + i, FILE);
        continue;
      }
      double u = random.nextDouble() * sum;
      int rank = 0;
      while (cumulative[rank] < u) {
        rank++;
      }
      cache.read("file-" + rank, FILE);
    }
    return (double) cache.hits / (cache.hits + cache.misses);
  }

  @Test
  void aShrunkCapacityNamesTheFilesCaffeineEvicted() {
    TinyLfuPolicy policy = new TinyLfuPolicy();
    policy.onCapacity(10 * FILE);
    Set<String> cached = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      policy.onInsert("f" + i, FILE);
      cached.add("f" + i);
    }

    policy.onCapacity(5 * FILE);

    // Evicting what the policy names until it names nothing new leaves about the new capacity.
    for (int i = 0; i < 5; i++) {
      String victim = policy.nextVictim().orElseThrow();
      assertThat(cached).contains(victim);
      cached.remove(victim);
      policy.onRemove(victim);
    }
    assertThat(cached).hasSize(5);
    assertThat(policy.nextVictim()).get().isIn(cached);
  }

  @Test
  void aRemovedFileIsNeverAVictim() {
    TinyLfuPolicy policy = new TinyLfuPolicy();
    policy.onCapacity(10 * FILE);
    policy.onInsert("a", FILE);
    policy.onInsert("b", FILE);

    policy.onRemove("a");

    assertThat(policy.nextVictim()).contains("b");
    policy.onRemove("b");
    assertThat(policy.nextVictim()).isEmpty();
  }

  /** Random inserts, reads, removals and capacity changes: the victim is always a tracked file. */
  @Test
  void victimIsAlwaysATrackedFileUnderRandomOperations() {
    for (long seed = 1; seed <= 15; seed++) {
      Random random = new Random(seed);
      TinyLfuPolicy p = new TinyLfuPolicy();
      p.onCapacity(20 * FILE);
      Set<String> tracked = new HashSet<>();
      for (int op = 0; op < 2_000; op++) {
        String f = "f" + random.nextInt(40);
        switch (random.nextInt(5)) {
          case 0 -> {
            p.onInsert(f, 1 + random.nextInt((int) (3 * FILE)));
            tracked.add(f);
          }
          case 1 -> {
            if (tracked.contains(f)) {
              p.onAccess(f);
            }
          }
          case 2 -> {
            p.onRemove(f);
            tracked.remove(f);
          }
          case 3 -> p.onCapacity((1 + random.nextInt(30)) * FILE);
          default -> {
            var victim = p.nextVictim();
            if (tracked.isEmpty()) {
              assertThat(victim).as("seed %d op %d", seed, op).isEmpty();
            } else {
              assertThat(victim).as("seed %d op %d", seed, op).isPresent();
              assertThat(tracked).as("seed %d op %d", seed, op).contains(victim.get());
              p.onRemove(victim.get());
              tracked.remove(victim.get());
            }
          }
        }
      }
    }
  }

  @Test
  void admitsALoadBackOnlyWhenTheCandidateIsUsedMoreThanTheVictim() {
    TinyLfuPolicy policy = new TinyLfuPolicy();
    policy.onInsert("cached", FILE);
    for (int i = 0; i < 10; i++) {
      policy.onAccess("cached");
    }
    for (int i = 0; i < 3; i++) {
      policy.onMiss("candidate");
    }

    assertThat(policy.admit("candidate", "cached")).as("3 misses against 10 hits").isFalse();

    for (int i = 0; i < 8; i++) {
      policy.onMiss("candidate");
    }
    assertThat(policy.admit("candidate", "cached")).as("11 misses against 10 hits").isTrue();
    assertThat(policy.admit("never-seen", "cached")).isFalse();
  }

  @Test
  void countsAreHalvedAfterASampleSoThatOldPopularityFades() {
    TinyLfuPolicy policy = new TinyLfuPolicy();
    policy.onInsert("old", FILE);
    for (int i = 0; i < 100; i++) {
      policy.onAccess("old");
    }
    // A sample later (MIN_SAMPLE events in all), "old" counts half; two samples later, a quarter.
    for (int i = 100; i < 2 * TinyLfuPolicy.MIN_SAMPLE; i++) {
      policy.onMiss("new");
    }

    assertThat(policy.uses("old")).isEqualTo(25);
    assertThat(policy.admit("new", "old")).isTrue();
  }

  @Test
  void lruAdmitsEveryCandidate() {
    TwoListLruPolicy lru = new TwoListLruPolicy(6, 3);
    lru.onInsert("cached", FILE);
    lru.onAccess("cached");

    assertThat(lru.admit("never-seen", "cached")).isTrue();
  }
}
