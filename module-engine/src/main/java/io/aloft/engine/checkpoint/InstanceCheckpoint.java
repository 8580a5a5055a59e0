package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * One processor instance's part of a checkpoint: {@code <root>/chk-<id>/<instance>.meta}. A checkpoint
 * of a job with N instances has N parts; a restore at any parallelism reads every part and takes those
 * whose key groups overlap its own. Format (version 1, also in {@code docs/format.md}):
 *
 * <pre>
 *   magic "ALOFTCKP" (8) | version int32 | checkpointId int64 | maxParallelism int32
 *   | keyGroupStart int32 | keyGroupEnd int32 | backendType UTF | instanceName UTF
 *   | state count int32, (state id UTF, format UTF)*            kind, serializer ids and versions, TTL
 *   | timer count int32, (timestamp int64, keyGroup int32, key length int32, key bytes)*
 *   | backend metadata length int32, bytes                       e.g. forst's file list
 *   | CRC32C of everything before (int32)
 * </pre>
 *
 * @param stateFormats each registered state's format as {@code StateRegistry.format} describes it
 * @param timers the instance's pending event-time timers
 */
public record InstanceCheckpoint(
    long checkpointId,
    int maxParallelism,
    KeyGroupRange keyGroupRange,
    String backendType,
    String instanceName,
    Map<String, String> stateFormats,
    List<Timer> timers,
    byte[] backendMetadata) {

  static final long MAGIC = 0x414c4f4654434b50L; // "ALOFTCKP"
  static final int VERSION = 1;
  static final String SUFFIX = ".meta";

  /**
   * Written into a checkpoint directory by every restore from it. An instance that finds it never
   * deletes the checkpoint or its files: a successor may be running on them.
   */
  public static final String RESTORED_MARKER = "_restored";

  /** Marks {@code checkpointDir} as restored from (idempotent). */
  public static void markRestored(StateFileSystem fs, Location checkpointDir) throws IOException {
    if (!fs.exists(checkpointDir.resolve(RESTORED_MARKER))) {
      FileOutput out = fs.newOutputFile(checkpointDir.resolve(RESTORED_MARKER)).create();
      out.close();
    }
  }

  /** A pending timer: its time and serialized key. */
  public record Timer(long timestamp, int keyGroup, byte[] keyBytes) {}

  /** The part's file in {@code checkpointDir}. */
  public static Location file(Location checkpointDir, String instanceName) {
    return checkpointDir.resolve(instanceName + SUFFIX);
  }

  /** Writes this part exclusively: a part is never replaced, not even by a stale instance. */
  public long write(StateFileSystem fs, Location checkpointDir) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(checkpointId);
    out.writeInt(maxParallelism);
    out.writeInt(keyGroupRange.startKeyGroup());
    out.writeInt(keyGroupRange.endKeyGroup());
    out.writeUTF(backendType);
    out.writeUTF(instanceName);
    out.writeInt(stateFormats.size());
    for (Map.Entry<String, String> e : stateFormats.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
    out.writeInt(timers.size());
    for (Timer t : timers) {
      out.writeLong(t.timestamp());
      out.writeInt(t.keyGroup());
      out.writeInt(t.keyBytes().length);
      out.write(t.keyBytes());
    }
    out.writeInt(backendMetadata.length);
    out.write(backendMetadata);
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    out.flush();
    byte[] data = bytes.toByteArray();
    FileOutput file = fs.newOutputFile(file(checkpointDir, instanceName)).createExclusive();
    try {
      file.write(data);
    } catch (IOException | RuntimeException e) {
      file.abort();
      throw e;
    }
    file.close();
    return data.length;
  }

  /**
   * Reads a part.
   *
   * @throws CheckpointException if the file is not a valid part (naming the file)
   */
  public static InstanceCheckpoint read(StateFileSystem fs, Location file) throws IOException {
    InputFile in = fs.newInputFile(file);
    long length = in.length();
    if (length < 16 || length > Integer.MAX_VALUE) {
      throw new CheckpointException("checkpoint metadata " + file + " is truncated or too large (" + length + " bytes)");
    }
    byte[] data = new byte[(int) length];
    try (FileInput input = in.newInput()) {
      input.readFully(0, data, 0, data.length);
    }
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length - 4);
    DataInputStream trailer = new DataInputStream(new ByteArrayInputStream(data, data.length - 4, 4));
    if (trailer.readInt() != (int) crc.getValue()) {
      throw new CheckpointException("checkpoint metadata " + file + " is corrupt: checksum mismatch");
    }
    try {
      DataInputStream d = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4));
      if (d.readLong() != MAGIC) {
        throw new CheckpointException(file + " is not Aloft checkpoint metadata (bad magic)");
      }
      int version = d.readInt();
      if (version != VERSION) {
        throw new CheckpointException(
            "checkpoint metadata " + file + " has format version " + version + "; this build reads " + VERSION);
      }
      long id = d.readLong();
      int maxParallelism = d.readInt();
      KeyGroupRange range = new KeyGroupRange(d.readInt(), d.readInt());
      String backendType = d.readUTF();
      String instanceName = d.readUTF();
      int states = d.readInt();
      Map<String, String> formats = new LinkedHashMap<>();
      for (int i = 0; i < states; i++) {
        formats.put(d.readUTF(), d.readUTF());
      }
      int timerCount = d.readInt();
      List<Timer> timers = new ArrayList<>(Math.min(timerCount, 1 << 16));
      for (int i = 0; i < timerCount; i++) {
        long ts = d.readLong();
        int group = d.readInt();
        byte[] key = new byte[d.readInt()];
        d.readFully(key);
        timers.add(new Timer(ts, group, key));
      }
      byte[] metadata = new byte[d.readInt()];
      d.readFully(metadata);
      return new InstanceCheckpoint(id, maxParallelism, range, backendType, instanceName, formats, timers, metadata);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CheckpointException c) {
        throw c;
      }
      throw new CheckpointException("checkpoint metadata " + file + " is malformed: " + e, e);
    }
  }

  /** Every part in a checkpoint directory. */
  public static List<InstanceCheckpoint> readAll(StateFileSystem fs, Location checkpointDir) throws IOException {
    List<InstanceCheckpoint> parts = new ArrayList<>();
    for (FileEntry entry : fs.list(checkpointDir)) {
      if (entry.location().fileName().endsWith(SUFFIX) && entry.location().parent().equals(checkpointDir)) {
        parts.add(read(fs, entry.location()));
      }
    }
    return parts;
  }
}
