package io.aloft.engine.heap;

import static io.aloft.spi.backend.KeyPrefixes.startsWith;

import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.StateTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A table as a concurrent sorted map of unsigned-byte-ordered keys. */
final class HeapTable implements StateTable {
  private final ConcurrentSkipListMap<byte[], byte[]> rows =
      new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

  @Override
  public byte[] get(byte[] key) {
    return rows.get(key);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    rows.put(key, value);
  }

  @Override
  public void delete(byte[] key) {
    rows.remove(key);
  }

  @Override
  public void append(byte[] key, byte[] suffix) {
    rows.merge(
        key,
        suffix,
        (old, add) -> {
          byte[] merged = Arrays.copyOf(old, old.length + add.length);
          System.arraycopy(add, 0, merged, old.length, add.length);
          return merged;
        });
  }

  @Override
  public ScanPage scan(byte[] prefix, byte[] startAfter, int limit) {
    List<KeyValue> page = new ArrayList<>(Math.min(limit, 128));
    Iterator<Map.Entry<byte[], byte[]>> it = from(prefix, startAfter).entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<byte[], byte[]> e = it.next();
      if (!startsWith(e.getKey(), prefix)) {
        return new ScanPage(page, false);
      }
      if (page.size() == limit) {
        return new ScanPage(page, true);
      }
      page.add(new KeyValue(e.getKey(), e.getValue()));
    }
    return new ScanPage(page, false);
  }

  /** A copy of every row, in key order. */
  List<KeyValue> rows() {
    List<KeyValue> all = new ArrayList<>(rows.size());
    rows.forEach((k, v) -> all.add(new KeyValue(k, v)));
    return all;
  }

  @Override
  public void deletePrefix(byte[] prefix) {
    Iterator<byte[]> it = from(prefix, null).keySet().iterator();
    while (it.hasNext()) {
      if (!startsWith(it.next(), prefix)) {
        return;
      }
      it.remove();
    }
  }

  private NavigableMap<byte[], byte[]> from(byte[] prefix, byte[] startAfter) {
    return startAfter == null ? rows.tailMap(prefix, true) : rows.tailMap(startAfter, false);
  }
}
