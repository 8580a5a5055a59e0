package io.aloft.engine.forst;

import io.aloft.engine.lsm.LsmTree;
import io.aloft.spi.backend.KeyValue;
import io.aloft.spi.backend.RowWrite;
import io.aloft.spi.backend.ScanPage;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;

/**
 * One state's rows in the shared tree: row keys gain the table id after their key-group prefix. Writes
 * made through a batch go to a {@link WriteBatch} ({@link #addTo}); the methods of {@link StateTable}
 * write to the tree at once.
 */
public final class ForStTable implements StateTable {
  /** Manifest metadata key prefix of a state's table id: {@code table.<state id>} → table id. */
  public static final String MANIFEST_ID_PREFIX = "table.";

  private final LsmTree tree;
  private final int id;
  private final TableSpec spec;

  ForStTable(LsmTree tree, int id, TableSpec spec) {
    this.tree = tree;
    this.id = id;
    this.spec = spec;
  }

  int id() {
    return id;
  }

  TableSpec spec() {
    return spec;
  }

  /** The table id of a stored key. */
  public static int tableId(byte[] storedKey) {
    return tableId(storedKey, storedKey.length);
  }

  /** {@link #tableId(byte[])} of the stored key {@code storedKey[0..length)}. */
  static int tableId(byte[] storedKey, int length) {
    return length < 4 ? -1 : ((storedKey[2] & 0xFF) << 8) | (storedKey[3] & 0xFF);
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

  /** The row key (as the state layer wrote it) of a stored key: the table id taken out. */
  public static byte[] row(byte[] stored) {
    byte[] row = new byte[stored.length - 2];
    row[0] = stored[0];
    row[1] = stored[1];
    System.arraycopy(stored, 4, row, 2, stored.length - 4);
    return row;
  }

  @Override
  public byte[] get(byte[] key) throws IOException {
    return tree.get(stored(key));
  }

  @Override
  public void put(byte[] key, byte[] value) throws IOException {
    tree.put(stored(key), value);
  }

  @Override
  public void delete(byte[] key) throws IOException {
    tree.delete(stored(key));
  }

  @Override
  public void append(byte[] key, byte[] suffix) throws IOException {
    WriteBatch batch = new WriteBatch(tree);
    addTo(batch, RowWrite.merge(this, key, suffix));
    tree.write(batch.mutations());
  }

  @Override
  public ScanPage scan(byte[] prefix, byte[] startAfter, int limit) throws IOException {
    ScanPage page = tree.scan(stored(prefix), startAfter == null ? null : stored(startAfter), limit);
    List<KeyValue> rows = new ArrayList<>(page.rows().size());
    for (KeyValue kv : page.rows()) {
      rows.add(new KeyValue(row(kv.key()), kv.value()));
    }
    return new ScanPage(rows, page.hasMore());
  }

  @Override
  public void deletePrefix(byte[] prefix) throws IOException {
    WriteBatch batch = new WriteBatch(tree);
    addTo(batch, RowWrite.deletePrefix(this, prefix));
    tree.write(batch.mutations());
  }

  /** Adds {@code write}, a write of this table, to {@code batch}. */
  void addTo(WriteBatch batch, RowWrite write) throws IOException {
    byte[] key = stored(write.key());
    switch (write.kind()) {
      case PUT -> batch.put(key, write.value());
      case DELETE -> batch.delete(key);
      case MERGE -> {
        // A read-modify-write: safe because the runtime never runs two requests of one key at once.
        byte[] old = batch.get(key);
        if (old == null) {
          batch.put(key, write.value());
        } else {
          byte[] merged = Arrays.copyOf(old, old.length + write.value().length);
          System.arraycopy(write.value(), 0, merged, old.length, write.value().length);
          batch.put(key, merged);
        }
      }
      case DELETE_PREFIX -> batch.deletePrefix(key);
    }
  }

  /** The stored key of {@code row}, for a multi-get. */
  byte[] storedKey(byte[] row) {
    return stored(row);
  }
}
