package io.aloft.engine.forst;

import io.aloft.engine.checkpoint.CheckpointException;
import io.aloft.engine.lsm.manifest.FileMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code forst} backend's part of a checkpoint (version 2, inside the instance's checkpoint
 * metadata): the tree's last sequence number, its table ids, and its files by level, each named by its
 * path relative to the checkpoint root, in the manifest's file layout.
 *
 * <pre>
 *   version int32 | lastSeq int64 | table count int32, (state id UTF, table id int32)*
 *   | 7 levels: file count int32, files (FileMeta layout, name = path relative to the root)
 * </pre>
 *
 * Version 2 adds each file's visible key groups to the layout; a restore narrows them to the key groups
 * of the part that lists the file, so a file several parts list is read by each for its own keys only.
 * Version 1 is still read (every key group of a file visible, then narrowed the same way).
 */
public record ForStSnapshot(long lastSeq, Map<String, Integer> tableIds, List<List<FileMeta>> levels) {
  /** 2: files carry their visible key groups ({@link FileMeta}); 1 is still read (all visible). */
  static final int VERSION = 2;

  byte[] encode() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(VERSION);
    out.writeLong(lastSeq);
    out.writeInt(tableIds.size());
    for (Map.Entry<String, Integer> e : tableIds.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue());
    }
    FileMeta.writeLevels(out, levels);
    out.flush();
    return bytes.toByteArray();
  }

  public static ForStSnapshot decode(byte[] data) throws IOException {
    if (data.length < 4) {
      throw new CheckpointException("forst checkpoint data is malformed: " + data.length + " bytes");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    int version = in.readInt();
    if (version < 1 || version > VERSION) {
      throw new CheckpointException(
          "forst checkpoint data has version " + version + "; this build reads 1 to " + VERSION);
    }
    try {
      long lastSeq = in.readLong();
      int tables = in.readInt();
      if (tables < 0 || (long) tables * 6 > in.available()) {
        throw new IOException("table count " + tables + " cannot fit in the " + in.available() + " bytes left");
      }
      Map<String, Integer> ids = new LinkedHashMap<>();
      for (int i = 0; i < tables; i++) {
        ids.put(in.readUTF(), in.readInt());
      }
      ForStSnapshot snapshot = new ForStSnapshot(lastSeq, ids, FileMeta.readLevels(in, version >= 2));
      if (in.available() != 0) {
        throw new IOException(in.available() + " bytes follow the last level");
      }
      return snapshot;
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException("forst checkpoint data is malformed: " + e.getMessage(), e);
    }
  }
}
