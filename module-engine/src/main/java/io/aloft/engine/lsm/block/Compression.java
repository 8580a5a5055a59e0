package io.aloft.engine.lsm.block;

import java.util.Locale;

/**
 * How the blocks of an SST file are compressed. Every block records its own compression in its trailer,
 * so a reader handles files (and blocks) written with any of these.
 */
public enum Compression {
  /** Stored as is. Code 0. */
  NONE,
  /** LZ4 (lz4-java, block format): fast, moderate ratio. Code 1. */
  LZ4,
  /** Zstandard (zstd-jni) at level 3: slower, better ratio. Code 2. */
  ZSTD;

  private static final Compression[] BY_CODE = values();

  /**
   * The compression named {@code name}: {@code none}, {@code lz4} or {@code zstd}, in any case.
   *
   * @throws IllegalArgumentException naming the value when it is none of these
   */
  public static Compression parse(String name) {
    if (name != null) {
      for (Compression c : BY_CODE) {
        if (c.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException(
        "Unknown compression '" + name + "': expected one of none, lz4, zstd");
  }

  /** The byte stored in a block trailer. */
  public byte code() {
    return (byte) ordinal();
  }

  /** The compression stored as {@code code}, or null when none has that code. */
  public static Compression ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
