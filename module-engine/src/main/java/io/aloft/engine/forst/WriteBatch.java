package io.aloft.engine.forst;

import io.aloft.engine.lsm.LsmTree;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.spi.backend.KeyPrefixes;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes of one batch, applied to the tree at once. Indexed, so the read of a read-modify-write
 * inside the batch (a merge) sees the batch's earlier writes, and reads the tree only for keys the
 * batch has not written. One thread at a time.
 */
final class WriteBatch {
  private final LsmTree tree;
  private final List<LsmTree.Mutation> mutations = new ArrayList<>();
  private final Map<ByteBuffer, Integer> lastPointWrite = new HashMap<>();
  private final List<Integer> rangeDeletes = new ArrayList<>();

  WriteBatch(LsmTree tree) {
    this.tree = tree;
  }

  void put(byte[] key, byte[] value) {
    lastPointWrite.put(ByteBuffer.wrap(key), mutations.size());
    mutations.add(LsmTree.Mutation.put(key, value));
  }

  void delete(byte[] key) {
    lastPointWrite.put(ByteBuffer.wrap(key), mutations.size());
    mutations.add(LsmTree.Mutation.delete(key));
  }

  /**
   * Deletes every key starting with {@code prefix}: one range tombstone, or — for a prefix of only
   * 0xFF bytes, which has no end key — the batch so far is applied and the tree's rows are deleted one
   * by one.
   */
  void deletePrefix(byte[] prefix) throws IOException {
    byte[] end = KeyPrefixes.end(prefix);
    if (end != null) {
      rangeDeletes.add(mutations.size());
      mutations.add(LsmTree.Mutation.deleteRange(prefix, end));
      return;
    }
    applyAndClear();
    ScanPage page;
    do {
      page = tree.scan(prefix, null, 1024);
      for (KeyValue kv : page.rows()) {
        delete(kv.key());
      }
      applyAndClear();
    } while (page.hasMore());
  }

  /** The value of {@code key} as the batch's writes so far leave it, reading the tree if they do not say. */
  byte[] get(byte[] key) throws IOException {
    Integer point = lastPointWrite.get(ByteBuffer.wrap(key));
    int after = point == null ? -1 : point;
    for (int i = rangeDeletes.size() - 1; i >= 0 && rangeDeletes.get(i) > after; i--) {
      LsmTree.Mutation range = mutations.get(rangeDeletes.get(i));
      if (Arrays.compareUnsigned(range.key(), key) <= 0
          && Arrays.compareUnsigned(key, range.rangeEnd()) < 0) {
        return null;
      }
    }
    if (point == null) {
      return tree.get(key);
    }
    LsmTree.Mutation m = mutations.get(point);
    return m.kind() == EntryKind.DELETE ? null : m.value();
  }

  List<LsmTree.Mutation> mutations() {
    return mutations;
  }

  private void applyAndClear() throws IOException {
    if (!mutations.isEmpty()) {
      tree.write(new ArrayList<>(mutations));
      mutations.clear();
      lastPointWrite.clear();
      rangeDeletes.clear();
    }
  }
}
