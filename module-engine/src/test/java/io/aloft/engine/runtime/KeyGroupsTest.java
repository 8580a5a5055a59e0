package io.aloft.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Key-group assignment is part of the checkpoint format: these values must never change. */
class KeyGroupsTest {

  @Test
  void murmur3MatchesTheReferenceVectors() {
    // MurmurHash3_x86_32 reference values (seed 0).
    assertThat(KeyGroups.murmur3(new byte[0])).isZero();
    assertThat(KeyGroups.murmur3("hello".getBytes(StandardCharsets.UTF_8))).isEqualTo(0x248bfa47);
    assertThat(KeyGroups.murmur3("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(0x2e4ff723);
  }

  @Test
  void assignmentIsWithinRangeAndSpreadsKeys() {
    int[] counts = new int[128];
    for (int i = 0; i < 128_000; i++) {
      int group = KeyGroups.assign(("key-" + i).getBytes(StandardCharsets.UTF_8), 128);
      assertThat(group).isBetween(0, 127);
      counts[group]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(800, 1200);
    }
  }
}
