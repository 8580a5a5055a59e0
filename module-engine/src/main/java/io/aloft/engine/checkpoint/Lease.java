package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one run of a processor instance holds in the checkpoint root: {@code
 * <root>/instances/<incarnation>/lease}. Other instances read leases to learn which checkpoint parts
 * and shared files are still needed; a restore reads the leases of the runs it replaces to take over
 * what they held. Written whole, replacing the previous version, by its own run only. Format (version
 * 1, also in {@code docs/checkpoints.md}):
 *
 * <pre>
 *   magic "ALOFTLSE" (8) | version int32 | incarnation UTF | instanceName UTF | maxParallelism int32
 *   | keyGroupStart int32 | keyGroupEnd int32
 *   | retained count int32, (checkpointId int64, part count int32, (part path UTF)*)*
 *   | inherited count int32, (file path UTF)*
 *   | CRC32C of everything before (int32)
 * </pre>
 *
 * Paths are relative to the checkpoint root.
 *
 * @param retained the checkpoint parts the run keeps, by checkpoint id: its own (including one being
 *     written) and those it took over from the runs it replaced
 * @param inherited files written by other runs that the retained parts list: they must not be deleted
 *     while this lease names them
 */
public record Lease(
    String incarnation,
    String instanceName,
    int maxParallelism,
    KeyGroupRange keyGroups,
    SortedMap<Long, List<String>> retained,
    Set<String> inherited) {

  static final long MAGIC = 0x414c4f46544c5345L; // "ALOFTLSE"
  static final int VERSION = 1;

  public Lease {
    TreeMap<Long, List<String>> copy = new TreeMap<>();
    retained.forEach((id, parts) -> copy.put(id, List.copyOf(parts)));
    retained = java.util.Collections.unmodifiableSortedMap(copy);
    inherited = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(inherited));
  }

  /** Every part path the lease retains. */
  public Set<String> retainedParts() {
    Set<String> parts = new LinkedHashSet<>();
    retained.values().forEach(parts::addAll);
    return parts;
  }

  void write(StateFileSystem fs, Location location) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(incarnation);
    out.writeUTF(instanceName);
    out.writeInt(maxParallelism);
    out.writeInt(keyGroups.startKeyGroup());
    out.writeInt(keyGroups.endKeyGroup());
    out.writeInt(retained.size());
    for (Map.Entry<Long, List<String>> e : retained.entrySet()) {
      out.writeLong(e.getKey());
      out.writeInt(e.getValue().size());
      for (String part : e.getValue()) {
        out.writeUTF(part);
      }
    }
    out.writeInt(inherited.size());
    for (String file : inherited) {
      out.writeUTF(file);
    }
    out.flush();
    MetadataFile.write(fs, location, bytes.toByteArray(), false);
  }

  /**
   * Reads a lease.
   *
   * @throws CheckpointException naming the file if it is not a valid lease
   */
  public static Lease read(StateFileSystem fs, Location location) throws IOException {
    return MetadataFile.read(fs, location, "lease", "an Aloft lease", MAGIC, VERSION, VERSION, (in, version) -> {
      String incarnation = in.readUTF();
      String instanceName = in.readUTF();
      int maxParallelism = in.readInt();
      KeyGroupRange keyGroups = new KeyGroupRange(in.readInt(), in.readInt());
      SortedMap<Long, List<String>> retained = new TreeMap<>();
      int checkpoints = MetadataFile.count(in, "checkpoint", 12);
      for (int i = 0; i < checkpoints; i++) {
        long id = in.readLong();
        int count = MetadataFile.count(in, "part", 2);
        List<String> parts = new ArrayList<>();
        for (int p = 0; p < count; p++) {
          parts.add(in.readUTF());
        }
        retained.put(id, parts);
      }
      int files = MetadataFile.count(in, "file", 2);
      Set<String> inherited = new LinkedHashSet<>();
      for (int i = 0; i < files; i++) {
        inherited.add(in.readUTF());
      }
      if (in.available() != 0) {
        throw new java.io.IOException(in.available() + " bytes follow the inherited files");
      }
      return new Lease(incarnation, instanceName, maxParallelism, keyGroups, retained, inherited);
    });
  }
}
