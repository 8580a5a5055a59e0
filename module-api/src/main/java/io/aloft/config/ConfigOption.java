package io.aloft.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A typed configuration key with its default, its meaning and the form its values take. Options are
 * declared once (core ones in {@link AloftOptions}, plugin ones beside their plugin) and read with
 * {@link Config#get(ConfigOption)}.
 *
 * @param <T> the value type
 */
public final class ConfigOption<T> {
  private final String key;
  private final T defaultValue;
  private final String description;
  private final String expectedForm;
  private final Function<String, T> parser;
  private final Function<T, String> formatter;

  private ConfigOption(
      String key,
      T defaultValue,
      String description,
      String expectedForm,
      Function<String, T> parser,
      Function<T, String> formatter) {
    this.key = Objects.requireNonNull(key, "key");
    this.defaultValue = defaultValue;
    this.description = Objects.requireNonNull(description, "description");
    this.expectedForm = expectedForm;
    this.parser = parser;
    this.formatter = formatter;
  }

  /** A memory size ({@link MemorySize}). */
  public static ConfigOption<MemorySize> memory(String key, MemorySize defaultValue, String description) {
    return new ConfigOption<>(
        key, defaultValue, description, MemorySize.EXPECTED_FORM, MemorySize::parse, MemorySize::toString);
  }

  /** A non-negative duration ({@code 1000 ms}, {@code 10 s}, {@code 5 min}). */
  public static ConfigOption<Duration> duration(String key, Duration defaultValue, String description) {
    return new ConfigOption<>(
        key, defaultValue, description, Durations.EXPECTED_FORM, Durations::parse, Durations::format);
  }

  /** An integer of at least {@code min}. */
  public static ConfigOption<Integer> integer(String key, Integer defaultValue, int min, String description) {
    return integer(key, defaultValue, min, Integer.MAX_VALUE, description);
  }

  /** An integer between {@code min} and {@code max}, inclusive. */
  public static ConfigOption<Integer> integer(
      String key, Integer defaultValue, int min, int max, String description) {
    String form =
        max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
    return new ConfigOption<>(
        key,
        defaultValue,
        description,
        form,
        text -> {
          int v;
          try {
            v = Integer.parseInt(text.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + form, e);
          }
          if (v < min || v > max) {
            throw new IllegalArgumentException("'" + text + "' is out of range");
          }
          return v;
        },
        String::valueOf);
  }

  /** {@code true} or {@code false}. */
  public static ConfigOption<Boolean> bool(String key, Boolean defaultValue, String description) {
    return new ConfigOption<>(
        key,
        defaultValue,
        description,
        "true or false",
        text ->
            switch (text.trim().toLowerCase(Locale.ROOT)) {
              case "true" -> true;
              case "false" -> false;
              default -> throw new IllegalArgumentException("'" + text + "' is not true or false");
            },
        String::valueOf);
  }

  /** A non-empty string. */
  public static ConfigOption<String> string(String key, String defaultValue, String description) {
    return new ConfigOption<>(
        key,
        defaultValue,
        description,
        "a non-empty string",
        text -> {
          if (text.isBlank()) {
            throw new IllegalArgumentException("the value is empty");
          }
          return text.trim();
        },
        Function.identity());
  }

  public String key() {
    return key;
  }

  /** The default, if the option has one. */
  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** The default as it would be written in {@code config.yaml}, or {@code "(none)"}. */
  public String defaultValueText() {
    return defaultValue == null ? "(none)" : formatter.apply(defaultValue);
  }

  public String description() {
    return description;
  }

  /** What a valid value looks like, in words. */
  public String expectedForm() {
    return expectedForm;
  }

  /** Formats {@code value} as it would be written in {@code config.yaml}. */
  public String format(T value) {
    return formatter.apply(value);
  }

  /**
   * Parses {@code text} as a value of this option.
   *
   * @throws ConfigException naming the key, the value and the expected form
   */
  public T parse(String text) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      if (Config.isSensitive(key)) {
        // The parser's message quotes the value: neither it nor the exception may travel.
        throw new ConfigException(
            key, "Invalid value for '" + key + "' (not shown: it holds a secret); expected " + expectedForm);
      }
      throw new ConfigException(
          key,
          "Invalid value for '" + key + "': " + e.getMessage() + " (expected " + expectedForm + ")",
          e);
    }
  }

  @Override
  public String toString() {
    return key;
  }
}
