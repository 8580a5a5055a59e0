package io.aloft.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {

  @Test
  void fillOrderVisitsEveryKeyOnce() {
    for (long n : new long[] {100, 1_000, 100_000, 123_400}) {
      Dataset data = new Dataset(n);
      BitSet seen = new BitSet((int) n);
      for (long j = 0; j < n; j++) {
        seen.set((int) data.fillOrder(j));
      }
      assertThat(seen.cardinality()).as("keys=%d", n).isEqualTo((int) n);
    }
  }

  @Test
  void eachPrefixHoldsExactlyItsHundredKeysAdjacentInKeyOrder() {
    Dataset data = new Dataset(20_000);
    List<byte[]> keys = new ArrayList<>();
    for (long i = 0; i < data.keys(); i++) {
      keys.add(data.key(i));
    }
    keys.sort(Arrays::compareUnsigned);
    for (int at = 0; at < keys.size(); at += Dataset.KEYS_PER_PREFIX) {
      byte[] prefix = Arrays.copyOf(keys.get(at), Dataset.PREFIX_BYTES);
      for (int k = 0; k < Dataset.KEYS_PER_PREFIX; k++) {
        assertThat(Arrays.copyOf(keys.get(at + k), Dataset.PREFIX_BYTES)).isEqualTo(prefix);
      }
      if (at + Dataset.KEYS_PER_PREFIX < keys.size()) {
        assertThat(Arrays.copyOf(keys.get(at + Dataset.KEYS_PER_PREFIX), Dataset.PREFIX_BYTES))
            .isNotEqualTo(prefix);
      }
    }
    for (int k = 1; k < keys.size(); k++) {
      assertThat(Arrays.compareUnsigned(keys.get(k - 1), keys.get(k))).isNegative();
    }
  }

  @Test
  void prefixOfAGroupIsTheStartOfItsKeys() {
    Dataset data = new Dataset(1_000);
    assertThat(Arrays.copyOf(data.key(537), Dataset.PREFIX_BYTES)).isEqualTo(data.prefix(5));
  }

  @Test
  void keysAndValuesAreDeterministicAndSized() {
    Dataset a = new Dataset(10_000);
    Dataset b = new Dataset(10_000);
    assertThat(a.key(4_321)).hasSize(Dataset.KEY_BYTES).isEqualTo(b.key(4_321));
    assertThat(a.value(4_321)).hasSize(Dataset.VALUE_BYTES).isEqualTo(b.value(4_321));
    assertThat(a.value(4_321)).isNotEqualTo(a.value(4_322));
  }

  @Test
  void rejectsKeyCountsThatAreNotWholePrefixes() {
    assertThatThrownBy(() -> new Dataset(150)).hasMessageContaining("multiple of 100");
  }
}
