package io.aloft.engine.forst;

import io.aloft.engine.lsm.LsmTree;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One state's rows in the shared tree: row keys gain the table id after their key-group prefix.
 * Appends are read-modify-writes; they are safe because the runtime never runs two requests of one
 * key at once.
 */
final class ForStTable implements StateTable {
  private final LsmTree tree;
  private final int id;
  private final TableSpec spec;
  private final Supplier<WriteBatch> batch;

  ForStTable(LsmTree tree, int id, TableSpec spec, Supplier<WriteBatch> batch) {
    this.tree = tree;
    this.id = id;
    this.spec = spec;
    this.batch = batch;
  }

  int id() {
    return id;
  }

  TableSpec spec() {
    return spec;
  }

  /** The table id of a stored key. */
  static int tableId(byte[] storedKey) {
    return storedKey.length < 4 ? -1 : ((storedKey[2] & 0xFF) << 8) | (storedKey[3] & 0xFF);
  }

  private byte[] stored(byte[] row) {
    byte[] key = new byte[row.length + 2];
    key[0] = row[0];
    key[1] = row[1];
    key[2] = (byte) (id >>> 8);
    key[3] = (byte) id;
    System.arraycopy(row, 2, key, 4, row.length - 2);
    return key;
  }

  private static byte[] row(byte[] stored) {
    byte[] row = new byte[stored.length - 2];
    row[0] = stored[0];
    row[1] = stored[1];
    System.arraycopy(stored, 4, row, 2, stored.length - 4);
    return row;
  }

  @Override
  public byte[] get(byte[] key) throws IOException {
    byte[] stored = stored(key);
    WriteBatch b = batch.get();
    if (b != null) {
      switch (b.find(stored)) {
        case VALUE:
          return b.value();
        case DELETED:
          return null;
        default:
          break;
      }
    }
    return tree.get(stored);
  }

  @Override
  public void put(byte[] key, byte[] value) throws IOException {
    WriteBatch b = batch.get();
    if (b != null) {
      b.put(stored(key), value);
    } else {
      tree.put(stored(key), value);
    }
  }

  @Override
  public void delete(byte[] key) throws IOException {
    WriteBatch b = batch.get();
    if (b != null) {
      b.delete(stored(key));
    } else {
      tree.delete(stored(key));
    }
  }

  /** Applies the open write batch before a scan, which reads the tree only. */
  private void applyBatch() throws IOException {
    WriteBatch b = batch.get();
    if (b != null && !b.isEmpty()) {
      tree.write(new ArrayList<>(b.mutations()));
      b.clear();
    }
  }

  @Override
  public ScanPage scan(byte[] prefix, byte[] startAfter, int limit) throws IOException {
    applyBatch();
    ScanPage page = tree.scan(stored(prefix), startAfter == null ? null : stored(startAfter), limit);
    List<KeyValue> rows = new ArrayList<>(page.rows().size());
    for (KeyValue kv : page.rows()) {
      rows.add(new KeyValue(row(kv.key()), kv.value()));
    }
    return new ScanPage(rows, page.hasMore());
  }

  @Override
  public void deletePrefix(byte[] prefix) throws IOException {
    byte[] start = stored(prefix);
    byte[] end = LsmTree.prefixEnd(start);
    if (end != null) {
      WriteBatch b = batch.get();
      if (b != null) {
        b.deleteRange(start, end);
      } else {
        tree.deleteRange(start, end);
      }
      return;
    }
    applyBatch();
    ScanPage page;
    do {
      page = tree.scan(start, null, 1024);
      for (KeyValue kv : page.rows()) {
        tree.delete(kv.key());
      }
    } while (page.hasMore());
  }
}
