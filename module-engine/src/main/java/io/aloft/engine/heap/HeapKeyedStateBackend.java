package io.aloft.engine.heap;

import io.aloft.engine.keyedstate.RowKeys;
import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyValue;
import io.aloft.engine.checkpoint.MetadataFile;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.RestoredInstance;
import io.aloft.spi.backend.SnapshotRequest;
import io.aloft.spi.backend.SnapshotResult;
import io.aloft.spi.fs.Location;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import io.aloft.spi.backend.StateTable;
import io.aloft.spi.backend.TableSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps every table in memory. Values are stored serialized, like every other backend, so state never
 * aliases objects the user still holds and all backends behave alike.
 *
 * <p>A checkpoint writes every row to {@code <chk-dir>/<instance>.heap} (a full copy: heap state has
 * nowhere else to live); a restore reads back the rows of its key groups from every part. File layout:
 * table count int32, then per table: name UTF, row count int32, rows (key length int32, key, value
 * length int32, value).
 */
final class HeapKeyedStateBackend implements KeyedStateBackend {
  /**
   * The checkpoint file, {@code <instance>.heap} in the checkpoint's directory, framed by {@link
   * MetadataFile} (magic, version, CRC32C): version 1 body = table count int32, then per table its name
   * (UTF) and row count int32, then per row key and value (int32 length, bytes each).
   */
  static final long MAGIC = 0x414c4f4654484541L; // "ALOFTHEA"

  static final int FORMAT_VERSION = 1;

  private final Map<String, HeapTable> tables = new ConcurrentHashMap<>();
  private final BackendContext context;
  private volatile boolean closed;
  /** The file each of this instance's checkpoints wrote, until the checkpoint is subsumed. */
  private final Map<Long, Location> written = new java.util.HashMap<>();

  HeapKeyedStateBackend(BackendContext context) throws IOException {
    this.context = context;
    for (RestoredInstance part : context.restored()) {
      Location file = part.checkpointRoot().resolve(new String(part.metadata(), StandardCharsets.UTF_8));
      MetadataFile.read(
          context.fileSystems().forLocation(file),
          file,
          "hashmap checkpoint file",
          "an Aloft hashmap checkpoint file",
          MAGIC,
          FORMAT_VERSION,
          FORMAT_VERSION,
          (in, version) -> {
            int tableCount = MetadataFile.count(in, "table", 6);
            for (int t = 0; t < tableCount; t++) {
              HeapTable table = tables.computeIfAbsent(in.readUTF(), n -> new HeapTable());
              int rows = MetadataFile.count(in, "row", 8);
              for (int r = 0; r < rows; r++) {
                byte[] key = MetadataFile.bytes(in, "row key");
                byte[] value = MetadataFile.bytes(in, "row value");
                if (context.keyGroupRange().contains(RowKeys.keyGroup(key))) {
                  table.put(key, value);
                }
              }
            }
            if (in.available() != 0) {
              throw new java.io.IOException(in.available() + " bytes follow the last table");
            }
            return null;
          });
    }
  }

  @Override
  public SnapshotResult snapshot(SnapshotRequest request) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(MAGIC);
    out.writeInt(FORMAT_VERSION);
    out.writeInt(tables.size());
    for (Map.Entry<String, HeapTable> e : tables.entrySet()) {
      out.writeUTF(e.getKey());
      List<KeyValue> rows = e.getValue().rows();
      out.writeInt(rows.size());
      for (KeyValue kv : rows) {
        out.writeInt(kv.key().length);
        out.write(kv.key());
        out.writeInt(kv.value().length);
        out.write(kv.value());
      }
    }
    out.flush();
    Location file = request.checkpointDir().resolve(context.instanceName() + ".heap");
    long written = MetadataFile.write(context.fileSystems().forLocation(file), file, bytes.toByteArray(), true);
    this.written.put(request.checkpointId(), file);
    String relative = file.relativeTo(request.checkpointRoot());
    byte[] metadata = relative.getBytes(StandardCharsets.UTF_8);
    return new SnapshotResult(metadata, 0, 1, written, written, List.of(relative));
  }

  /** Deletes the file this instance wrote for the checkpoint (also after a failed attempt). */
  @Override
  public void checkpointSubsumed(long checkpointId) throws IOException {
    Location file = written.remove(checkpointId);
    if (file != null) {
      context.fileSystems().forLocation(file).delete(file);
    }
  }

  /** Its state was loaded into memory when it opened: it reads no checkpoint file afterwards. */
  @Override
  public boolean readsBelow(Location dir) {
    return false;
  }

  @Override
  public StateTable table(TableSpec spec) {
    if (closed) {
      throw new IllegalStateException("backend is closed");
    }
    return tables.computeIfAbsent(spec.name(), name -> new HeapTable());
  }

  @Override
  public void close() {
    closed = true;
    tables.clear();
  }
}
