package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One processor instance's part of a checkpoint: {@code <root>/chk-<id>/<instance>.meta}. A checkpoint
 * of a job with N instances has N parts, and is complete when its parts cover every key group once; a
 * restore at any parallelism reads every part and takes those whose key groups overlap its own. Format
 * (version 3, also in {@code docs/checkpoints.md}; version 2 lacked the input position, version 1 also the
 * incarnation and the file list; both are still read):
 *
 * <pre>
 *   magic "ALOFTCKP" (8) | version int32 | checkpointId int64 | maxParallelism int32
 *   | keyGroupStart int32 | keyGroupEnd int32 | backendType UTF | instanceName UTF
 *   | incarnation UTF                                            the writing run of the instance
 *   | state count int32, (state id UTF, format UTF)*            kind, serializer ids and versions, TTL
 *   | timer count int32, (timestamp int64, keyGroup int32, key length int32, key bytes)*   none since timers
 *                                                              live in the backend; older parts have them
 *   | file count int32, (path relative to the checkpoint root UTF)*   every file the part needs
 *   | backend metadata length int32, bytes                       e.g. forst's files by level
 *   | inputPosition int64                                        where a keyed job's input stood at the
 *                                                              checkpoint; Long.MIN_VALUE: none given
 *   | CRC32C of everything before (int32)
 * </pre>
 *
 * @param incarnation the run of the instance that wrote the part ({@link CheckpointStore} fences it
 *     when another run restores its key groups); empty in version 1 parts
 * @param stateFormats each registered state's format as {@code StateRegistry.format} describes it
 * @param timers the instance's pending event-time timers
 * @param files every file in checkpoint storage the part needs, relative to the checkpoint root
 * @param inputPosition the input position the caller gave the checkpoint (a source offset: a keyed
 *     job's every part has the same), or {@link #NO_POSITION}
 */
public record InstanceCheckpoint(
    long checkpointId,
    int maxParallelism,
    KeyGroupRange keyGroupRange,
    String backendType,
    String instanceName,
    String incarnation,
    Map<String, String> stateFormats,
    List<Timer> timers,
    List<String> files,
    byte[] backendMetadata,
    long inputPosition) {

  static final long MAGIC = 0x414c4f4654434b50L; // "ALOFTCKP"
  static final int VERSION = 3;

  /** The {@link #inputPosition} of a part whose checkpoint was given none. */
  public static final long NO_POSITION = Long.MIN_VALUE;
  public static final String SUFFIX = ".meta";

  public InstanceCheckpoint {
    timers = List.copyOf(timers);
    files = List.copyOf(files);
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
    out.writeUTF(incarnation);
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
    out.writeInt(files.size());
    for (String f : files) {
      out.writeUTF(f);
    }
    out.writeInt(backendMetadata.length);
    out.write(backendMetadata);
    out.writeLong(inputPosition);
    out.flush();
    return MetadataFile.write(fs, file(checkpointDir, instanceName), bytes.toByteArray(), true);
  }

  /**
   * Reads a part.
   *
   * @throws CheckpointException if the file is not a valid part (naming the file)
   */
  public static InstanceCheckpoint read(StateFileSystem fs, Location file) throws IOException {
    return MetadataFile.read(
        fs, file, "checkpoint metadata", "Aloft checkpoint metadata", MAGIC, 1, VERSION, (d, version) -> {
      long id = d.readLong();
      int maxParallelism = d.readInt();
      KeyGroupRange range = new KeyGroupRange(d.readInt(), d.readInt());
      String backendType = d.readUTF();
      String instanceName = d.readUTF();
      String incarnation = version >= 2 ? d.readUTF() : "";
      int states = MetadataFile.count(d, "state", 4);
      Map<String, String> formats = new LinkedHashMap<>();
      for (int i = 0; i < states; i++) {
        formats.put(d.readUTF(), d.readUTF());
      }
      int timerCount = MetadataFile.count(d, "timer", 16);
      List<Timer> timers = new ArrayList<>(timerCount);
      for (int i = 0; i < timerCount; i++) {
        long ts = d.readLong();
        int group = d.readInt();
        timers.add(new Timer(ts, group, MetadataFile.bytes(d, "timer key")));
      }
      List<String> files = new ArrayList<>();
      if (version >= 2) {
        int fileCount = MetadataFile.count(d, "file", 2);
        for (int i = 0; i < fileCount; i++) {
          files.add(d.readUTF());
        }
      }
      byte[] metadata = MetadataFile.bytes(d, "backend metadata");
      long position = version >= 3 ? d.readLong() : NO_POSITION;
      if (d.available() != 0) {
        throw new IOException(d.available() + " bytes follow the " + (version >= 3 ? "input position" : "backend metadata"));
      }
      return new InstanceCheckpoint(
          id, maxParallelism, range, backendType, instanceName, incarnation, formats, timers, files, metadata,
          position);
    });
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
