package io.aloft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigOptionTest {

  private static final ConfigOption<Duration> TIMEOUT =
      ConfigOption.duration("test.timeout", Duration.ofSeconds(1), "a duration for tests");
  private static final ConfigOption<Integer> THREADS =
      ConfigOption.integer("test.threads", 2, 1, 64, "an integer from 1 to 64 for tests");
  private static final ConfigOption<Integer> AT_LEAST_ZERO =
      ConfigOption.integer("test.count", 0, 0, "an integer >= 0 for tests");
  private static final ConfigOption<Boolean> ENABLED =
      ConfigOption.bool("test.enabled", true, "a flag for tests");
  private static final ConfigOption<String> NAME =
      ConfigOption.string("test.name", null, "a string for tests");

  // --- durations ----------------------------------------------------------------------------------

  @Test
  void durationInMilliseconds() {
    assertThat(TIMEOUT.parse("1000 ms")).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void durationInSeconds() {
    assertThat(TIMEOUT.parse("10 s")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void durationInMinutes() {
    assertThat(TIMEOUT.parse("5 min")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void durationInHours() {
    assertThat(TIMEOUT.parse("1 h")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aPlainNumberIsADurationInMilliseconds() {
    assertThat(TIMEOUT.parse("250")).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void durationUnitsAreCaseInsensitiveAndTheSpaceIsOptional() {
    assertThat(TIMEOUT.parse("10S")).isEqualTo(Duration.ofSeconds(10));
    assertThat(TIMEOUT.parse("2 Days")).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void aDurationWithAnUnknownUnitIsRejectedNamingTheKeyAndTheExpectedForm() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> TIMEOUT.parse("5 lightyears"));

    assertThat(e.key()).contains("test.timeout");
    assertThat(e)
        .hasMessageContaining("test.timeout")
        .hasMessageContaining("5 lightyears")
        .hasMessageContaining(Durations.EXPECTED_FORM);
  }

  @Test
  void aNegativeDurationIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> TIMEOUT.parse("-1 s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.timeout");
  }

  @Test
  void aDurationTooLargeForItsUnitIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> TIMEOUT.parse("9223372036854775807 d"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.timeout")
        .hasMessageContaining("too large");
  }

  @Test
  void aDurationIsFormattedInWholeMinutesHoursOrDaysElseMilliseconds() {
    assertThat(TIMEOUT.format(Duration.ofMillis(1000))).isEqualTo("1000 ms");
    assertThat(TIMEOUT.format(Duration.ofMillis(1500))).isEqualTo("1500 ms");
    assertThat(TIMEOUT.format(Duration.ofMinutes(5))).isEqualTo("5 min");
    assertThat(TIMEOUT.format(Duration.ofHours(1))).isEqualTo("1 h");
    assertThat(TIMEOUT.format(Duration.ofDays(2))).isEqualTo("2 d");
    assertThat(TIMEOUT.format(Duration.ZERO)).isEqualTo("0 ms");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 999, 1000, 1500, 60_000, 90_000, 3_600_000, 86_400_000, 172_800_001})
  void aFormattedDurationParsesBackToTheSameDuration(long millis) {
    Duration d = Duration.ofMillis(millis);

    assertThat(TIMEOUT.parse(TIMEOUT.format(d))).isEqualTo(d);
  }

  // --- integers -----------------------------------------------------------------------------------

  @Test
  void anIntegerWithinTheRangeIsAccepted() {
    assertThat(THREADS.parse("1")).isEqualTo(1);
    assertThat(THREADS.parse(" 64 ")).isEqualTo(64);
  }

  @Test
  void anIntegerBelowTheMinimumIsRejectedNamingTheKeyAndTheRange() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> THREADS.parse("0"));

    assertThat(e.key()).contains("test.threads");
    assertThat(e).hasMessageContaining("test.threads").hasMessageContaining("from 1 to 64");
  }

  @Test
  void anIntegerAboveTheMaximumIsRejectedNamingTheKeyAndTheRange() {
    assertThatThrownBy(() -> THREADS.parse("65"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.threads")
        .hasMessageContaining("from 1 to 64");
  }

  @Test
  void anIntegerWithOnlyAMinimumRejectsValuesBelowIt() {
    assertThat(AT_LEAST_ZERO.parse("0")).isZero();
    assertThat(AT_LEAST_ZERO.parse(String.valueOf(Integer.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> AT_LEAST_ZERO.parse("-1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.count")
        .hasMessageContaining(">= 0");
  }

  @Test
  void aNonNumericIntegerIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> THREADS.parse("four"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.threads")
        .hasMessageContaining("four");
  }

  @Test
  void anIntegerBeyondIntRangeIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> AT_LEAST_ZERO.parse("2147483648"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.count");
  }

  // --- booleans -----------------------------------------------------------------------------------

  @Test
  void trueAndFalseAreAcceptedInAnyCase() {
    assertThat(ENABLED.parse("true")).isTrue();
    assertThat(ENABLED.parse("FALSE")).isFalse();
  }

  @Test
  void yesIsNotABoolean() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ENABLED.parse("yes"));

    assertThat(e.key()).contains("test.enabled");
    assertThat(e).hasMessageContaining("test.enabled").hasMessageContaining("true or false");
  }

  // --- strings ------------------------------------------------------------------------------------

  @Test
  void aStringIsTrimmed() {
    assertThat(NAME.parse("  forst ")).isEqualTo("forst");
  }

  @Test
  void aBlankStringIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> NAME.parse("   "))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.name");
  }

  // --- defaults -----------------------------------------------------------------------------------

  @Test
  void theDefaultIsWrittenInConfigurationForm() {
    assertThat(TIMEOUT.defaultValueText()).isEqualTo("1000 ms");
    assertThat(THREADS.defaultValueText()).isEqualTo("2");
  }

  @Test
  void anOptionWithoutDefaultSaysNone() {
    assertThat(NAME.defaultValue()).isEmpty();
    assertThat(NAME.defaultValueText()).isEqualTo("(none)");
  }
}
