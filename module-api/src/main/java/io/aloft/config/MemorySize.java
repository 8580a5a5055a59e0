package io.aloft.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes, written in configuration as {@code 64mb}, {@code 1GB}, {@code 10 gb},
 * {@code 512 kb} or a plain byte count. Units are powers of 1024 (as in Flink): {@code b}, {@code k/kb/kib},
 * {@code m/mb/mib}, {@code g/gb/gib}, {@code t/tb/tib}, case-insensitive.
 *
 * @param bytes the size in bytes, never negative
 */
public record MemorySize(long bytes) implements Comparable<MemorySize> {

  /** What a memory size looks like, for error messages. */
  public static final String EXPECTED_FORM = "a memory size such as 64mb, 1gb, 512 kb or a byte count";

  private static final Pattern FORM = Pattern.compile("^(\\d+)\\s*([a-zA-Z]*)$");

  public MemorySize {
    if (bytes < 0) {
      throw new IllegalArgumentException("memory size must not be negative: " + bytes);
    }
  }

  public static MemorySize ofBytes(long bytes) {
    return new MemorySize(bytes);
  }

  public static MemorySize ofMebiBytes(long mebiBytes) {
    return new MemorySize(Math.multiplyExact(mebiBytes, 1L << 20));
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the text and the expected form
   */
  public static MemorySize parse(String text) {
    String t = text.trim();
    if (t.startsWith("-")) {
      throw new IllegalArgumentException("'" + text + "' is negative; expected " + EXPECTED_FORM);
    }
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not " + EXPECTED_FORM);
    }
    long multiplier =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "", "b", "bytes" -> 1L;
          case "k", "kb", "kib" -> 1L << 10;
          case "m", "mb", "mib" -> 1L << 20;
          case "g", "gb", "gib" -> 1L << 30;
          case "t", "tb", "tib" -> 1L << 40;
          default -> throw new IllegalArgumentException(
              "'" + text + "' has unknown unit '" + m.group(2) + "'; expected " + EXPECTED_FORM);
        };
    try {
      return new MemorySize(Math.multiplyExact(Long.parseLong(m.group(1)), multiplier));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large for a memory size", e);
    }
  }

  @Override
  public int compareTo(MemorySize other) {
    return Long.compare(bytes, other.bytes);
  }

  /** The largest exact unit: {@code 64mb}, {@code 1gb}, {@code 1000b}. */
  @Override
  public String toString() {
    String[] units = {"tb", "gb", "mb", "kb"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (4 - i));
      if (bytes != 0 && bytes % unit == 0) {
        return (bytes / unit) + units[i];
      }
    }
    return bytes + "b";
  }
}
