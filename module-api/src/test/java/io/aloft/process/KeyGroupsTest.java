package io.aloft.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.serde.Serializers;
import io.aloft.spi.backend.KeyGroupRange;
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
      int group = KeyGroups.keyGroupOf(("key-" + i).getBytes(StandardCharsets.UTF_8), 128);
      assertThat(group).isBetween(0, 127);
      counts[group]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(800, 1200);
    }
  }

  @Test
  void aKeyGroupBelongsToTheSubtaskWhoseRangeHoldsIt() {
    for (int maxParallelism : new int[] {1, 7, 128, 32768}) {
      for (int parallelism = 1; parallelism <= Math.min(maxParallelism, 9); parallelism++) {
        int expectedStart = 0;
        for (int subtask = 0; subtask < parallelism; subtask++) {
          KeyGroupRange range = KeyGroups.rangeOf(subtask, parallelism, maxParallelism);
          assertThat(range.startKeyGroup()).isEqualTo(expectedStart);
          expectedStart = range.endKeyGroup() + 1;
          for (int g : new int[] {range.startKeyGroup(), range.endKeyGroup()}) {
            assertThat(KeyGroups.subtaskOf(g, parallelism, maxParallelism)).isEqualTo(subtask);
          }
        }
        assertThat(expectedStart).isEqualTo(maxParallelism);
      }
    }
  }

  @Test
  void aKeyIsRoutedByItsSerializedBytes() throws Exception {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(buffer)) {
      Serializers.STRING.serialize("abcde", out);
    }
    byte[] bytes = buffer.toByteArray();
    int group = KeyGroups.keyGroupOf("abcde", Serializers.STRING, 128);
    assertThat(group).isEqualTo(KeyGroups.keyGroupOf(bytes, 128));
    assertThat(KeyGroups.subtaskOf("abcde", Serializers.STRING, 4, 128))
        .isEqualTo(KeyGroups.subtaskOf(group, 4, 128));
  }

  @Test
  void outOfRangeArgumentsAreRefusedNamingTheValue() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyGroups.subtaskOf(128, 4, 128))
        .hasMessageContaining("key group 128");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyGroups.keyGroupOf(new byte[0], 0))
        .hasMessageContaining("max parallelism 0");
  }
}
