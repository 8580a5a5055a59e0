package io.aloft.engine.lsm.key;

/**
 * What an {@link Entry} does to its key. The declaration order is the stored code: {@code DELETE} is 0,
 * {@code PUT} is 1 (the low byte of an internal key's 8-byte trailer; see {@code docs/format.md}).
 */
public enum EntryKind {
  /** A point tombstone: the key has no value as of this entry's sequence number. */
  DELETE,
  /** A value for the key. */
  PUT;

  private static final EntryKind[] BY_CODE = values();

  /** The byte stored for this kind. */
  public int code() {
    return ordinal();
  }

  /** The kind stored as {@code code}, or null when no kind has that code. */
  public static EntryKind ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
