package io.aloft.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TwoListLruPolicyTest {

  static TwoListLruPolicy policy(int accessBeforePromote, int promoteLimit, String... files) {
    TwoListLruPolicy p = new TwoListLruPolicy(accessBeforePromote, promoteLimit);
    for (String f : files) {
      p.onInsert(f, 100);
    }
    return p;
  }

  static void access(TwoListLruPolicy p, String file, int times) {
    for (int i = 0; i < times; i++) {
      p.onAccess(file);
    }
  }

  @Test
  void anEmptyPolicyHasNoVictim() {
    assertThat(policy(6, 3).nextVictim()).isEmpty();
  }

  @Test
  void unreadFilesAreEvictedInInsertionOrder() {
    TwoListLruPolicy p = policy(6, 3, "a", "b", "c");

    assertThat(p.nextVictim()).contains("a");
    p.onRemove("a");
    assertThat(p.nextVictim()).contains("b");
  }

  @Test
  void aReadMovesTheFileToTheRecentEndOfProbation() {
    TwoListLruPolicy p = policy(6, 3, "a", "b", "c");

    p.onAccess("a");

    assertThat(p.nextVictim()).contains("b");
  }

  @Test
  void nextVictimDoesNotRemoveTheFile() {
    TwoListLruPolicy p = policy(6, 3, "a", "b");

    assertThat(p.nextVictim()).contains("a");
    assertThat(p.nextVictim()).contains("a");
  }

  @Test
  void aRemovedFileIsNeverAVictim() {
    TwoListLruPolicy p = policy(6, 3, "a", "b");

    p.onRemove("a");

    assertThat(p.nextVictim()).contains("b");
    p.onRemove("b");
    assertThat(p.nextVictim()).isEmpty();
  }

  @Test
  void aFileReadAccessBeforePromoteTimesIsPromotedInsteadOfEvicted() {
    TwoListLruPolicy p = policy(2, 3, "a", "b", "c");
    access(p, "a", 2);
    p.onRemove("b");
    p.onRemove("c");
    p.onInsert("d", 100); // probation: a (2 accesses), d

    assertThat(p.nextVictim()).contains("d");
    p.onRemove("d");
    // a is protected now; with probation empty it is the last resort.
    assertThat(p.nextVictim()).contains("a");
  }

  @Test
  void aFileReadFewerTimesIsEvicted() {
    TwoListLruPolicy p = policy(3, 3, "a", "b");
    access(p, "a", 2);
    p.onRemove("b");
    p.onInsert("c", 100); // probation: a (2 accesses), c

    assertThat(p.nextVictim()).contains("a");
  }

  @Test
  void oneRoundPromotesAtMostPromoteLimitFiles() {
    TwoListLruPolicy p = policy(2, 2, "a", "b", "c", "d");
    access(p, "a", 2);
    access(p, "b", 2);
    access(p, "c", 2);
    p.onRemove("d");
    p.onInsert("e", 100); // probation: a, b, c (2 accesses each), e

    // a and b are promoted; the limit is reached, so c goes although it was read enough.
    assertThat(p.nextVictim()).contains("c");
    p.onRemove("c");
    // The next round has a new budget: e (unread) is now the least recent probation file.
    assertThat(p.nextVictim()).contains("e");
  }

  @Test
  void promoteLimitZeroIsPlainLru() {
    TwoListLruPolicy p = policy(1, 0, "a", "b");
    access(p, "a", 100);
    p.onRemove("b");
    p.onInsert("c", 100);

    assertThat(p.nextVictim()).contains("a");
  }

  @Test
  void anOverfullProtectedListDemotesItsLeastRecentFile() {
    TwoListLruPolicy p = policy(1, 10, "a", "b", "c", "d", "e");
    for (String f : List.of("a", "b", "c", "d", "e")) {
      p.onAccess(f);
    }

    // a..d fill the protected list to 80%; promoting e overfills it, so a is demoted to probation
    // with no accesses and becomes the victim.
    assertThat(p.nextVictim()).contains("a");
  }

  @Test
  void aFileReadOftenSurvivesAScanOfFilesReadOnce() {
    SimulatedCache cache = new SimulatedCache(new TwoListLruPolicy(6, 3), 10 * 100);
    cache.insert("hot", 100);
    for (int i = 0; i < 9; i++) {
      cache.insert("warm-" + i, 100);
    }
    for (int i = 0; i < 10; i++) {
      cache.read("hot", 100);
    }

    for (int i = 0; i < 50; i++) {
      cache.insert("scan-" + i, 100);
    }

    assertThat(cache.cached).containsKey("hot");
  }

  @Test
  void rejectsKnobsOutOfRange() {
    assertThatThrownBy(() -> new TwoListLruPolicy(0, 3)).hasMessageContaining("accessBeforePromote");
    assertThatThrownBy(() -> new TwoListLruPolicy(6, -1)).hasMessageContaining("promoteLimit");
  }

  /** Random inserts, reads and removals: the victim is always a tracked file, and only while any is. */
  @Test
  void victimIsAlwaysATrackedFileUnderRandomOperations() {
    for (long seed = 1; seed <= 50; seed++) {
      Random random = new Random(seed);
      TwoListLruPolicy p = new TwoListLruPolicy(1 + random.nextInt(4), random.nextInt(4));
      Set<String> tracked = new HashSet<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        names.add("f" + i);
      }
      for (int op = 0; op < 2_000; op++) {
        String f = names.get(random.nextInt(names.size()));
        switch (random.nextInt(4)) {
          case 0 -> {
            p.onInsert(f, 1 + random.nextInt(1000));
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
          default -> {
            var victim = p.nextVictim();
            if (tracked.isEmpty()) {
              assertThat(victim).as("seed %d op %d", seed, op).isEmpty();
            } else {
              assertThat(victim).as("seed %d op %d", seed, op).isPresent();
              assertThat(tracked).as("seed %d op %d", seed, op).contains(victim.get());
              if (random.nextBoolean()) {
                p.onRemove(victim.get());
                tracked.remove(victim.get());
              }
            }
          }
        }
      }
    }
  }
}
