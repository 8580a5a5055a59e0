package io.aloft.engine.lsm.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link UnsignedBytes#compare} orders ranges as {@link Arrays#compareUnsigned} does (same sign). */
class UnsignedBytesTest {

  @Test
  void agreesWithArraysCompareUnsignedOnRandomRanges() {
    SplittableRandom random = new SplittableRandom(19);
    byte[] alphabet = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFF};
    for (int run = 0; run < 200_000; run++) {
      byte[] a = new byte[random.nextInt(40)];
      for (int i = 0; i < a.length; i++) {
        a[i] = alphabet[random.nextInt(alphabet.length)];
      }
      // b: often a copy of a with one byte changed, a shorter or a longer copy, so that long common
      // prefixes and proper prefixes are common.
      byte[] b = Arrays.copyOf(a, Math.max(0, a.length + random.nextInt(-3, 4)));
      if (b.length > 0 && random.nextBoolean()) {
        b[random.nextInt(b.length)] = alphabet[random.nextInt(alphabet.length)];
      }
      int aFrom = a.length == 0 ? 0 : random.nextInt(Math.min(3, a.length) + 1);
      int bFrom = Math.min(aFrom, b.length);
      assertThat(Integer.signum(UnsignedBytes.compare(a, aFrom, a.length, b, bFrom, b.length)))
          .as("%s from %d vs %s from %d", Arrays.toString(a), aFrom, Arrays.toString(b), bFrom)
          .isEqualTo(Integer.signum(Arrays.compareUnsigned(a, aFrom, a.length, b, bFrom, b.length)));
    }
  }
}
