package io.aloft.engine.lsm.manifest;

import io.aloft.engine.lsm.key.Entry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The tree's manifest: which files are live on which level, the next file number, the last sequence
 * number, and the owner's metadata (the ForSt backend keeps its table ids there). It is small, lives in
 * the local working directory, and is rewritten whole — to a temporary file, then atomically renamed —
 * after every flush and compaction. Format (version 2; version 1 lacks the visible key groups):
 *
 * <pre>
 *   magic "ALOFTMAN" (8 bytes) | version int32 | body | CRC32C of magic+version+body (int32)
 *   body: dbId UTF | nextFileNumber int64 | lastSeq int64 | metadata count int32, (key UTF, value UTF)*
 *         | for each of 7 levels: file count int32, files*
 *   file: fileNumber int64 | name UTF | size int64 | smallest (int32 length, bytes) | largest (same)
 *         | minSeq int64 | maxSeq int64 | minKeyGroup int32 | maxKeyGroup int32 | entries int64
 *         | rangeTombstones int64 | visibleFirstKeyGroup uint16 | visibleLastKeyGroup uint16
 * </pre>
 *
 * The same file layout is used in the {@code forst} checkpoint data (see {@code ForStSnapshot}).
 */
public final class ManifestFile {
  public static final String NAME = "MANIFEST";
  static final long MAGIC = 0x414c4f46544d414eL; // "ALOFTMAN"
  /** 2: files carry their visible key groups ({@link FileMeta}); 1 is still read. */
  public static final int FORMAT_VERSION = 2;

  /** The content of a manifest. */
  public record State(
      String dbId, long nextFileNumber, long lastSeq, Map<String, String> metadata, Version version) {}

  private ManifestFile() {}

  public static void write(Path dir, State state) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(MAGIC);
    out.writeInt(FORMAT_VERSION);
    out.writeUTF(state.dbId());
    out.writeLong(state.nextFileNumber());
    out.writeLong(state.lastSeq());
    out.writeInt(state.metadata().size());
    for (Map.Entry<String, String> e : state.metadata().entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
    FileMeta.writeLevels(out, state.version().levels());
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    out.flush();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(NAME + ".tmp");
    Files.write(tmp, bytes.toByteArray());
    try {
      Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Reads the manifest of {@code dir}, or returns null when there is none. */
  public static State read(Path dir) throws IOException {
    Path file = dir.resolve(NAME);
    if (!Files.exists(file)) {
      return null;
    }
    byte[] data = Files.readAllBytes(file);
    if (data.length < 16) {
      throw new IOException("manifest " + file + " is truncated (" + data.length + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length - 4);
    int stored = new DataInputStream(new ByteArrayInputStream(data, data.length - 4, 4)).readInt();
    if ((int) crc.getValue() != stored) {
      throw new IOException("manifest " + file + " is corrupt: checksum mismatch");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 4));
    if (in.readLong() != MAGIC) {
      throw new IOException("manifest " + file + " is not an Aloft manifest (bad magic)");
    }
    int version = in.readInt();
    if (version < 1 || version > FORMAT_VERSION) {
      throw new IOException(
          "manifest " + file + " has format version " + version + "; this build reads 1 to " + FORMAT_VERSION);
    }
    try {
      String dbId = in.readUTF();
      long nextFileNumber = in.readLong();
      long lastSeq = in.readLong();
      int metadataCount = in.readInt();
      if (metadataCount < 0 || (long) metadataCount * 4 > in.available()) {
        throw new IOException("metadata count " + metadataCount + " cannot fit in the " + in.available() + " bytes left");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      for (int i = 0; i < metadataCount; i++) {
        metadata.put(in.readUTF(), in.readUTF());
      }
      State state = new State(dbId, nextFileNumber, lastSeq, metadata, new Version(FileMeta.readLevels(in, version >= 2)));
      if (in.available() != 0) {
        throw new IOException(in.available() + " bytes follow the last level");
      }
      return state;
    } catch (IOException | RuntimeException e) {
      throw new IOException("manifest " + file + " is corrupt: " + e.getMessage(), e);
    }
  }
}
