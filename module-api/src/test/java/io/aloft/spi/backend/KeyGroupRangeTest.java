package io.aloft.spi.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyGroupRangeTest {

  @ParameterizedTest(name = "maxParallelism {0}")
  @ValueSource(ints = {1, 2, 3, 7, 10, 128, 1000})
  void rangesOfEveryParallelismCoverAllKeyGroupsExactlyOnceAndContiguously(int maxParallelism) {
    for (int parallelism = 1; parallelism <= maxParallelism; parallelism++) {
      int next = 0;
      for (int index = 0; index < parallelism; index++) {
        KeyGroupRange range = KeyGroupRange.forInstance(maxParallelism, parallelism, index);

        assertThat(range.startKeyGroup())
            .as("start of instance %d of %d (max %d)", index, parallelism, maxParallelism)
            .isEqualTo(next);
        assertThat(range.size()).as("size of instance %d of %d", index, parallelism).isPositive();
        next = range.endKeyGroup() + 1;
      }
      assertThat(next).as("end of the last range, parallelism %d", parallelism).isEqualTo(maxParallelism);
    }
  }

  @Test
  void rangeSizesDifferByAtMostOne() {
    for (int parallelism = 1; parallelism <= 128; parallelism++) {
      int min = Integer.MAX_VALUE;
      int max = 0;
      for (int index = 0; index < parallelism; index++) {
        int size = KeyGroupRange.forInstance(128, parallelism, index).size();
        min = Math.min(min, size);
        max = Math.max(max, size);
      }
      assertThat(max - min).as("parallelism %d", parallelism).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void theOwnerOfAKeyGroupIsFlinksOperatorIndex() {
    // Flink: KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup = keyGroup * parallelism / max
    int max = 128;
    for (int parallelism = 1; parallelism <= max; parallelism++) {
      for (int keyGroup = 0; keyGroup < max; keyGroup++) {
        int owner = keyGroup * parallelism / max;

        assertThat(KeyGroupRange.forInstance(max, parallelism, owner).contains(keyGroup))
            .as("key group %d, parallelism %d", keyGroup, parallelism)
            .isTrue();
      }
    }
  }

  @Test
  void theLargestMaxParallelismDoesNotOverflow() {
    KeyGroupRange last = KeyGroupRange.forInstance(32768, 32767, 32766);

    assertThat(last.endKeyGroup()).isEqualTo(32767);
  }

  @Test
  void parallelismOneOwnsEveryKeyGroup() {
    assertThat(KeyGroupRange.forInstance(128, 1, 0)).isEqualTo(KeyGroupRange.all(128));
    assertThat(KeyGroupRange.all(128)).isEqualTo(new KeyGroupRange(0, 127));
  }

  @Test
  void aParallelismBelowOneIsRejected() {
    assertThatThrownBy(() -> KeyGroupRange.forInstance(128, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parallelism 0");
  }

  @Test
  void aParallelismAboveTheMaxParallelismIsRejected() {
    assertThatThrownBy(() -> KeyGroupRange.forInstance(128, 129, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parallelism 129")
        .hasMessageContaining("128");
  }

  @Test
  void anInstanceIndexOutsideTheParallelismIsRejected() {
    assertThatThrownBy(() -> KeyGroupRange.forInstance(128, 4, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index 4");
    assertThatThrownBy(() -> KeyGroupRange.forInstance(128, 4, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("index -1");
  }

  @Test
  void anInvertedOrNegativeRangeCannotBeConstructed() {
    assertThatThrownBy(() -> new KeyGroupRange(5, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KeyGroupRange(-1, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void containsIsInclusiveAtBothEnds() {
    KeyGroupRange range = new KeyGroupRange(10, 20);

    assertThat(range.contains(9)).isFalse();
    assertThat(range.contains(10)).isTrue();
    assertThat(range.contains(20)).isTrue();
    assertThat(range.contains(21)).isFalse();
    assertThat(range.size()).isEqualTo(11);
  }
}
