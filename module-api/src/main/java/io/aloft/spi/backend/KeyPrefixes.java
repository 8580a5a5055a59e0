package io.aloft.spi.backend;

import java.util.Arrays;

/**
 * Byte-key ranges as backends need them for {@link StateTable#scan} and {@link
 * StateTable#deletePrefix}: keys compare as unsigned bytes, and the rows under a prefix are the range
 * [{@code prefix}, {@link #end prefix end}).
 */
public final class KeyPrefixes {
  private KeyPrefixes() {}

  /**
   * The smallest key above every key starting with {@code prefix}, or null if there is none (an empty
   * prefix, or one of only {@code 0xFF} bytes; the engine's key-group-first row keys never are).
   */
  public static byte[] end(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  /** Whether {@code key} starts with {@code prefix}. */
  public static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}
