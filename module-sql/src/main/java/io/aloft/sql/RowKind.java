package io.aloft.sql;

/**
 * What a row means in a changelog, as in Flink: {@code +I} a new row, {@code -U} the old version of an
 * updated row, {@code +U} its new version, {@code -D} a row that is gone. Folding a changelog into a
 * table adds the {@code +I}/{@code +U} rows and removes the {@code -U}/{@code -D} ones.
 */
public enum RowKind {
  INSERT("+I", (byte) 0),
  UPDATE_BEFORE("-U", (byte) 1),
  UPDATE_AFTER("+U", (byte) 2),
  DELETE("-D", (byte) 3);

  private final String shortString;
  private final byte value;

  RowKind(String shortString, byte value) {
    this.shortString = shortString;
    this.value = value;
  }

  /** {@code +I}, {@code -U}, {@code +U} or {@code -D}. */
  public String shortString() {
    return shortString;
  }

  /** The byte that stands for this kind in {@link RowSerializer}'s format. */
  public byte toByteValue() {
    return value;
  }

  /** The kind {@link #toByteValue()} gave. */
  public static RowKind fromByteValue(byte value) {
    return switch (value) {
      case 0 -> INSERT;
      case 1 -> UPDATE_BEFORE;
      case 2 -> UPDATE_AFTER;
      case 3 -> DELETE;
      default -> throw new IllegalArgumentException("not a row kind: " + value);
    };
  }

  /** {@code +I} or {@code +U}: the row is added. */
  public boolean isAccumulate() {
    return this == INSERT || this == UPDATE_AFTER;
  }

  /** {@code -U} or {@code -D}: the row is taken back. */
  public boolean isRetract() {
    return !isAccumulate();
  }
}
