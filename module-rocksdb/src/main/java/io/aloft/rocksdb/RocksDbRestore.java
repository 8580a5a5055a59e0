package io.aloft.rocksdb;

import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.backend.RestoredInstance;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * Builds a restored instance's database from the checkpoint parts whose key groups overlap its own, the
 * classic download model: every file the instance needs is downloaded before it processes a record.
 *
 * <p>The part sharing the most key groups with the new instance is the base. Its files are downloaded
 * into the database directory and opened as they are; the key groups outside the new range are hidden
 * by one range tombstone per column family and side, and compaction drops their rows later. That is
 * all a restore at the same parallelism or a scale-out (each new range inside one old range) needs.
 * After a scale-in, or when a new range straddles old ones, every other part is downloaded into a
 * directory of its own, opened read-only, the rows of the new range are copied into the base database
 * column family by column family, and the download is deleted.
 *
 * <p>The base's SST files are unchanged in checkpoint storage, so the instance's next checkpoint lists
 * them instead of uploading them again.
 */
final class RocksDbRestore {
  /** Bytes of rows copied per write batch when rows come from a part other than the base. */
  private static final long COPY_BATCH_BYTES = 4L << 20;

  /** One restored part with its decoded metadata. */
  private record Part(RestoredInstance source, RocksDbSnapshot snapshot) {
    KeyGroupRange keyGroups() {
      return source.keyGroupRange();
    }

    Location location(RocksDbSnapshot.DbFile file) {
      return source.checkpointRoot().resolve(file.location());
    }

    String describe() {
      return "the part of key groups " + keyGroups() + " in " + source.checkpointRoot();
    }
  }

  private final KeyGroupRange range;
  /** The part opened in place; null for a fresh start. */
  private final Part base;
  /** Parts whose rows are copied into the base. */
  private final List<Part> others;

  private RocksDbRestore(KeyGroupRange range, Part base, List<Part> others) {
    this.range = range;
    this.base = base;
    this.others = others;
  }

  /**
   * Reads the metadata of every restored part and picks the base; no I/O.
   *
   * @throws RocksDbCheckpointException if a part's metadata is not a restorable {@code rocksdb} part
   */
  static RocksDbRestore plan(BackendContext context) throws RocksDbCheckpointException {
    KeyGroupRange range = context.keyGroupRange();
    List<Part> parts = new ArrayList<>();
    for (RestoredInstance source : context.restored()) {
      String description =
          "the part of key groups " + source.keyGroupRange() + " in " + source.checkpointRoot();
      RocksDbSnapshot snapshot = RocksDbSnapshot.decode(source.metadata(), description);
      if (!snapshot.columnFamilies().contains(RocksDbKeyedStateBackend.DEFAULT_COLUMN_FAMILY)
          || snapshot.files().stream().noneMatch(f -> f.name().equals("CURRENT"))) {
        throw new RocksDbCheckpointException(
            "rocksdb checkpoint data of " + description
                + " lists no default column family or no CURRENT file: it is not a whole database");
      }
      parts.add(new Part(source, snapshot));
    }
    Part base =
        parts.stream()
            .max(Comparator.comparingInt(p -> overlap(p.keyGroups(), range)))
            .orElse(null);
    List<Part> others = new ArrayList<>(parts);
    others.remove(base);
    return new RocksDbRestore(range, base, others);
  }

  private static int overlap(KeyGroupRange a, KeyGroupRange b) {
    return Math.max(
        0, Math.min(a.endKeyGroup(), b.endKeyGroup()) - Math.max(a.startKeyGroup(), b.startKeyGroup()) + 1);
  }

  /** Whether there is anything to restore. */
  boolean isRestore() {
    return base != null;
  }

  /** The column families to open the database with: the base's, or only the default one. */
  List<String> columnFamilies() {
    return base == null
        ? List.of(RocksDbKeyedStateBackend.DEFAULT_COLUMN_FAMILY)
        : base.snapshot().columnFamilies();
  }

  /** Downloads the base's files into the (empty) database directory. */
  void downloadBase(FileTransfer transfer, Path databaseDir) throws IOException {
    if (base != null) {
      download(base, transfer, databaseDir);
    }
  }

  private static void download(Part part, FileTransfer transfer, Path dir) throws IOException {
    for (RocksDbSnapshot.DbFile file : part.snapshot().files()) {
      transfer.download(part.location(file), file.size(), dir.resolve(file.name()));
    }
  }

  /**
   * Makes the opened base database hold exactly the new range: hides the base's other key groups,
   * copies in the rows of the other parts, and lets later checkpoints reference the base's SST files.
   */
  void complete(RocksDbKeyedStateBackend backend) throws IOException {
    if (base == null) {
      return;
    }
    hideForeignKeyGroups(backend);
    int n = 0;
    for (Part part : others) {
      Path dir = backend.directory().resolve("restore-" + n++);
      Files.createDirectories(dir);
      try {
        download(part, backend.transfer, dir);
        copyRows(backend, part, dir);
      } catch (IOException | RuntimeException e) {
        RocksDbKeyedStateBackend.deleteDirectory(dir, e);
        throw e;
      }
      RocksDbKeyedStateBackend.deleteTree(dir);
    }
    for (RocksDbSnapshot.DbFile file : base.snapshot().files()) {
      if (file.isSst()) {
        backend.checkpointFiles.remember(file.name(), base.location(file), file.size());
      }
    }
  }

  /** One range tombstone per column family below the new range, one above, where the base has rows. */
  private void hideForeignKeyGroups(RocksDbKeyedStateBackend backend) throws IOException {
    KeyGroupRange theirs = base.keyGroups();
    List<byte[][]> foreign = new ArrayList<>(2);
    if (theirs.startKeyGroup() < range.startKeyGroup()) {
      foreign.add(
          new byte[][] {
            keyGroupPrefix(theirs.startKeyGroup()), keyGroupPrefix(range.startKeyGroup())
          });
    }
    if (theirs.endKeyGroup() > range.endKeyGroup()) {
      foreign.add(
          new byte[][] {
            keyGroupPrefix(range.endKeyGroup() + 1), keyGroupPrefix(theirs.endKeyGroup() + 1)
          });
    }
    if (foreign.isEmpty()) {
      return;
    }
    backend.call(
        "delete the key groups outside " + range + " restored from " + base.describe(),
        () -> {
          for (String name : base.snapshot().columnFamilies()) {
            ColumnFamilyHandle column = backend.column(name);
            for (byte[][] bounds : foreign) {
              backend.db.deleteRange(column, backend.writes, bounds[0], bounds[1]);
            }
          }
          return null;
        });
  }

  /** Copies the rows of the new range from the part downloaded into {@code dir}, opened read-only. */
  private void copyRows(RocksDbKeyedStateBackend backend, Part part, Path dir) throws IOException {
    KeyGroupRange theirs = part.keyGroups();
    byte[] lower = keyGroupPrefix(Math.max(theirs.startKeyGroup(), range.startKeyGroup()));
    byte[] upper = keyGroupPrefix(Math.min(theirs.endKeyGroup(), range.endKeyGroup()) + 1);
    List<String> names = part.snapshot().columnFamilies();
    backend.call(
        "copy the rows of key groups " + range + " from " + part.describe(),
        () -> {
          List<ColumnFamilyDescriptor> descriptors = new ArrayList<>(names.size());
          for (String name : names) {
            descriptors.add(
                new ColumnFamilyDescriptor(
                    name.getBytes(StandardCharsets.UTF_8), backend.columnOptions));
          }
          List<ColumnFamilyHandle> handles = new ArrayList<>(names.size());
          try (DBOptions options =
              new DBOptions().setInfoLogLevel(InfoLogLevel.HEADER_LEVEL).setStatsDumpPeriodSec(0)) {
            // The column options carry the merge operator: list rows may still be merge operands.
            RocksDB source = RocksDB.openReadOnly(options, dir.toString(), descriptors, handles);
            try {
              for (int i = 0; i < names.size(); i++) {
                copyColumn(backend, source, handles.get(i), backend.column(names.get(i)), lower, upper);
              }
            } finally {
              handles.forEach(ColumnFamilyHandle::close);
              // close, not closeE: a read-only database has nothing to lose when closing fails, and
              // its directory is deleted next.
              source.close();
            }
          }
          return null;
        });
  }

  private static void copyColumn(
      RocksDbKeyedStateBackend backend,
      RocksDB source,
      ColumnFamilyHandle from,
      ColumnFamilyHandle to,
      byte[] lower,
      byte[] upper)
      throws RocksDBException {
    try (Slice lowerBound = new Slice(lower);
        Slice upperBound = new Slice(upper);
        ReadOptions read =
            new ReadOptions()
                .setIterateLowerBound(lowerBound)
                .setIterateUpperBound(upperBound)
                .setFillCache(false);
        RocksIterator rows = source.newIterator(from, read);
        WriteBatch batch = new WriteBatch()) {
      for (rows.seek(lower); rows.isValid(); rows.next()) {
        batch.put(to, rows.key(), rows.value());
        if (batch.getDataSize() >= COPY_BATCH_BYTES) {
          backend.db.write(backend.writes, batch);
          batch.clear();
        }
      }
      rows.status();
      if (batch.count() > 0) {
        backend.db.write(backend.writes, batch);
      }
    }
  }

  /** The first two bytes of every row key of {@code keyGroup} (big-endian; key groups are < 32768). */
  static byte[] keyGroupPrefix(int keyGroup) {
    return new byte[] {(byte) (keyGroup >>> 8), (byte) keyGroup};
  }
}
