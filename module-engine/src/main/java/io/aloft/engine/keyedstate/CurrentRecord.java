package io.aloft.engine.keyedstate;

/**
 * The record (or timer) whose key the states read and write.
 *
 * @param key the key
 * @param keyBytes the serialized key
 * @param keyGroup its key group
 * @param timestamp the record's event time, or the timer's; null when the record has none
 * @param prefix the row key (map row prefix) of the key, see {@link RowKeys}
 */
public record CurrentRecord(Object key, byte[] keyBytes, int keyGroup, Long timestamp, byte[] prefix) {

  public static CurrentRecord of(Object key, byte[] keyBytes, int keyGroup, Long timestamp) {
    return new CurrentRecord(key, keyBytes, keyGroup, timestamp, RowKeys.prefix(keyGroup, keyBytes));
  }
}
