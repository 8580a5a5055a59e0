package io.aloft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemorySizeTest {

  private static final long KB = 1L << 10;
  private static final long MB = 1L << 20;
  private static final long GB = 1L << 30;

  private static final ConfigOption<MemorySize> SIZE =
      ConfigOption.memory("test.size", MemorySize.ofMebiBytes(1), "a size for tests");

  @Test
  void lowerCaseMegabytesWithoutSpace() {
    assertThat(MemorySize.parse("64mb").bytes()).isEqualTo(64 * MB);
  }

  @Test
  void upperCaseGigabytes() {
    assertThat(MemorySize.parse("1GB").bytes()).isEqualTo(GB);
  }

  @Test
  void aSpaceBetweenNumberAndUnit() {
    assertThat(MemorySize.parse("10 gb").bytes()).isEqualTo(10 * GB);
    assertThat(MemorySize.parse("512 kb").bytes()).isEqualTo(512 * KB);
  }

  @Test
  void aPlainNumberIsAByteCount() {
    assertThat(MemorySize.parse("1024").bytes()).isEqualTo(1024);
  }

  @Test
  void binaryUnitNamesMeanTheSameAsTheShortOnes() {
    assertThat(MemorySize.parse("1 GiB")).isEqualTo(MemorySize.parse("1gb"));
    assertThat(MemorySize.parse("3 MiB")).isEqualTo(MemorySize.ofMebiBytes(3));
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertThat(MemorySize.parse("  64mb ").bytes()).isEqualTo(64 * MB);
  }

  @Test
  void anUnknownUnitIsRejectedNamingTheValueAndTheExpectedForm() {
    assertThatThrownBy(() -> MemorySize.parse("1 GBX"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'1 GBX'")
        .hasMessageContaining(MemorySize.EXPECTED_FORM);
  }

  @Test
  void anUnknownUnitReadThroughAnOptionIsRejectedNamingTheKey() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> SIZE.parse("1 GBX"));

    assertThat(e.key()).contains("test.size");
    assertThat(e)
        .hasMessageContaining("test.size")
        .hasMessageContaining("1 GBX")
        .hasMessageContaining(MemorySize.EXPECTED_FORM);
  }

  @Test
  void aNegativeSizeIsRejected() {
    assertThatThrownBy(() -> MemorySize.parse("-1mb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'-1mb'");
  }

  @Test
  void aNegativeSizeReadThroughAnOptionIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> SIZE.parse("-1mb"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.size");
  }

  @Test
  void aNegativeByteCountCannotBeConstructed() {
    assertThatThrownBy(() -> MemorySize.ofBytes(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aProductBeyondLongRangeIsRejected() {
    // 2^23 tb = 2^63 bytes, one more than Long.MAX_VALUE
    assertThatThrownBy(() -> MemorySize.parse("8388608tb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8388608tb")
        .hasMessageContaining("too large");
  }

  @Test
  void aNumberBeyondLongRangeIsRejected() {
    assertThatThrownBy(() -> MemorySize.parse("99999999999999999999"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void aFractionIsRejected() {
    assertThatThrownBy(() -> MemorySize.parse("1.5gb")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringUsesTheLargestExactUnit() {
    assertThat(MemorySize.ofMebiBytes(64)).hasToString("64mb");
    assertThat(MemorySize.ofBytes(GB)).hasToString("1gb");
    assertThat(MemorySize.ofBytes(1536 * KB)).hasToString("1536kb");
    assertThat(MemorySize.ofBytes(1000)).hasToString("1000b");
    assertThat(MemorySize.ofBytes(0)).hasToString("0b");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 1000, 1024, 1536 * 1024, 64L << 20, 1L << 30, 5L << 40, Long.MAX_VALUE})
  void toStringParsesBackToTheSameSize(long bytes) {
    MemorySize size = MemorySize.ofBytes(bytes);

    assertThat(MemorySize.parse(size.toString())).isEqualTo(size);
  }

  @Test
  void sizesCompareByBytes() {
    assertThat(MemorySize.parse("1mb")).isLessThan(MemorySize.parse("1025kb"));
    assertThat(MemorySize.parse("1024kb")).isEqualByComparingTo(MemorySize.parse("1mb"));
  }
}
