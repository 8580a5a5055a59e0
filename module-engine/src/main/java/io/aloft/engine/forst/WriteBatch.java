package io.aloft.engine.forst;

import io.aloft.engine.lsm.LsmTree;
import io.aloft.engine.lsm.sst.EntryKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes of one batch, applied to the tree at once. Indexed, so reads inside the batch (the get of
 * a read-modify-write) see the batch's earlier writes. One thread at a time.
 */
final class WriteBatch {
  /** What a lookup in the batch found. */
  enum Found {
    VALUE,
    DELETED,
    NOT_IN_BATCH
  }

  private final List<LsmTree.Mutation> mutations = new ArrayList<>();
  private final Map<ByteBuffer, Integer> lastPointWrite = new HashMap<>();
  private final List<Integer> rangeDeletes = new ArrayList<>();
  private byte[] foundValue;

  void put(byte[] key, byte[] value) {
    lastPointWrite.put(ByteBuffer.wrap(key), mutations.size());
    mutations.add(LsmTree.Mutation.put(key, value));
  }

  void delete(byte[] key) {
    lastPointWrite.put(ByteBuffer.wrap(key), mutations.size());
    mutations.add(LsmTree.Mutation.delete(key));
  }

  void deleteRange(byte[] start, byte[] end) {
    rangeDeletes.add(mutations.size());
    mutations.add(LsmTree.Mutation.deleteRange(start, end));
  }

  /** Looks {@code key} up among the batch's writes; for {@link Found#VALUE} see {@link #value()}. */
  Found find(byte[] key) {
    Integer point = lastPointWrite.get(ByteBuffer.wrap(key));
    int after = point == null ? -1 : point;
    for (int i = rangeDeletes.size() - 1; i >= 0 && rangeDeletes.get(i) > after; i--) {
      LsmTree.Mutation range = mutations.get(rangeDeletes.get(i));
      if (Arrays.compareUnsigned(range.key(), key) <= 0 && Arrays.compareUnsigned(key, range.rangeEnd()) < 0) {
        return Found.DELETED;
      }
    }
    if (point == null) {
      return Found.NOT_IN_BATCH;
    }
    LsmTree.Mutation m = mutations.get(point);
    if (m.kind() == EntryKind.DELETE) {
      return Found.DELETED;
    }
    foundValue = m.value();
    return Found.VALUE;
  }

  byte[] value() {
    return foundValue;
  }

  boolean isEmpty() {
    return mutations.isEmpty();
  }

  List<LsmTree.Mutation> mutations() {
    return mutations;
  }

  void clear() {
    mutations.clear();
    lastPointWrite.clear();
    rangeDeletes.clear();
  }
}
