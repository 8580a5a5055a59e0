package io.aloft.rocksdb;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code rocksdb} backend's part of a checkpoint: the metadata bytes the engine stores in the
 * instance's checkpoint part ({@code <root>/chk-<id>/<instance>.meta}) and hands back on restore.
 *
 * <p>Format, version 1 (big-endian; strings in the modified UTF-8 of {@link DataOutputStream#writeUTF}):
 *
 * <pre>
 *   version int32 = 1
 *   | column family count int32, (column family name UTF)*
 *   | file count int32, (file name UTF, location UTF, size int64)*
 * </pre>
 *
 * <ul>
 *   <li><b>Column families</b>: every column family of the database, {@code default} included, as
 *       the checkpoint's {@code MANIFEST} lists them. A state's column family is named by its state id (a state
 *       whose id is {@code default} uses the default column family), so no separate mapping is stored.
 *   <li><b>Files</b>: every file of the database as of the checkpoint — SST files, {@code MANIFEST-*},
 *       {@code CURRENT}, {@code OPTIONS-*} and the (empty: writes skip the WAL) write-ahead log — by
 *       its name in the database directory, where restore downloads it to. The location is relative
 *       to the checkpoint root. SST files live in {@code shared/<instance>/<run>/} and are listed by
 *       every checkpoint of that run that still has them; the other files are rewritten by every
 *       checkpoint and live in {@code chk-<id>/<instance>/<run>/}. {@code <run>} is a random id per
 *       backend instance, so a stale instance and its successor (same instance name, same file numbers)
 *       never write the same location.
 *   <li><b>Size</b>: the file's length in bytes. RocksDB never rewrites an SST file under its name, so
 *       name and size identify an SST's content within one database.
 * </ul>
 *
 * @param columnFamilies every column family of the database
 * @param files every file of the database
 */
record RocksDbSnapshot(List<String> columnFamilies, List<DbFile> files) {
  static final int VERSION = 1;

  /** A file name RocksDB writes: no separators, so restore never writes outside its directory. */
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

  /**
   * One file of the database.
   *
   * @param name its name in the database directory, e.g. {@code 000012.sst}
   * @param location where the checkpoint holds it, relative to the checkpoint root
   * @param size its length in bytes
   */
  record DbFile(String name, String location, long size) {
    /** Whether RocksDB treats the file as immutable once written. */
    boolean isSst() {
      return name.endsWith(".sst");
    }
  }

  RocksDbSnapshot {
    columnFamilies = List.copyOf(columnFamilies);
    files = List.copyOf(files);
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(VERSION);
      out.writeInt(columnFamilies.size());
      for (String name : columnFamilies) {
        out.writeUTF(name);
      }
      out.writeInt(files.size());
      for (DbFile file : files) {
        out.writeUTF(file.name());
        out.writeUTF(file.location());
        out.writeLong(file.size());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new AssertionError("writing to memory cannot fail", e);
    }
  }

  /**
   * Reads a part's metadata.
   *
   * @param source what the bytes belong to, for messages (e.g. the part's key-group range and root)
   * @throws RocksDbCheckpointException if the bytes are not a version-1 {@code rocksdb} part
   */
  static RocksDbSnapshot decode(byte[] data, String source) throws RocksDbCheckpointException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    try {
      int version = in.readInt();
      if (version != VERSION) {
        throw new RocksDbCheckpointException(
            "rocksdb checkpoint data of " + source + " has format version " + version
                + "; this build reads " + VERSION);
      }
      int columnCount = count(in.readInt(), "column families", source);
      List<String> columns = new ArrayList<>(columnCount);
      for (int i = 0; i < columnCount; i++) {
        columns.add(in.readUTF());
      }
      int fileCount = count(in.readInt(), "files", source);
      List<DbFile> files = new ArrayList<>(fileCount);
      for (int i = 0; i < fileCount; i++) {
        DbFile file = new DbFile(in.readUTF(), in.readUTF(), in.readLong());
        if (!FILE_NAME.matcher(file.name()).matches() || file.size() < 0) {
          throw new RocksDbCheckpointException(
              "rocksdb checkpoint data of " + source + " lists an invalid file: " + file);
        }
        files.add(file);
      }
      if (in.available() > 0) {
        throw new RocksDbCheckpointException(
            "rocksdb checkpoint data of " + source + " has " + in.available()
                + " unexpected bytes after its file list");
      }
      return new RocksDbSnapshot(columns, files);
    } catch (EOFException e) {
      throw new RocksDbCheckpointException(
          "rocksdb checkpoint data of " + source + " is truncated (" + data.length + " bytes)", e);
    } catch (IOException e) {
      if (e instanceof RocksDbCheckpointException c) {
        throw c;
      }
      throw new RocksDbCheckpointException(
          "rocksdb checkpoint data of " + source + " is malformed: " + e.getMessage(), e);
    }
  }

  private static int count(int n, String what, String source) throws RocksDbCheckpointException {
    if (n < 0) {
      throw new RocksDbCheckpointException(
          "rocksdb checkpoint data of " + source + " has a negative number of " + what + ": " + n);
    }
    return n;
  }
}
