package io.aloft.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as {@code 1000 ms}, {@code 10 s}, {@code 5 min}, {@code 1 h}, {@code 2 d} or a
 * plain number of milliseconds (Flink's form).
 */
final class Durations {
  private Durations() {}

  static final String EXPECTED_FORM = "a duration such as 1000 ms, 10 s, 5 min, 1 h or a millisecond count";

  private static final Pattern FORM = Pattern.compile("^(\\d+)\\s*([a-zA-Z]*)$");

  static Duration parse(String text) {
    String t = text.trim();
    if (t.startsWith("-")) {
      throw new IllegalArgumentException("'" + text + "' is negative; expected " + EXPECTED_FORM);
    }
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not " + EXPECTED_FORM);
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large for a duration", e);
    }
    try {
      return switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "", "ms", "milli", "millis", "millisecond", "milliseconds" -> Duration.ofMillis(n);
        case "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(n);
        case "min", "mins", "minute", "minutes", "m" -> Duration.ofMinutes(n);
        case "h", "hour", "hours" -> Duration.ofHours(n);
        case "d", "day", "days" -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException(
            "'" + text + "' has unknown unit '" + m.group(2) + "'; expected " + EXPECTED_FORM);
      };
    } catch (ArithmeticException e) {
      // Duration.ofDays/ofHours/ofMinutes overflow; must become an IllegalArgumentException so
      // ConfigOption.parse reports it with the key.
      throw new IllegalArgumentException("'" + text + "' is too large for a duration", e);
    }
  }

  /** Whole days, hours or minutes when exact, else milliseconds (Flink's habit: {@code 1000 ms}). */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 86_400_000 == 0) return ms / 86_400_000 + " d";
    if (ms != 0 && ms % 3_600_000 == 0) return ms / 3_600_000 + " h";
    if (ms != 0 && ms % 60_000 == 0) return ms / 60_000 + " min";
    return ms + " ms";
  }
}
