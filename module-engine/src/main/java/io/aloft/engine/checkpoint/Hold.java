package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A restore's hold on a checkpoint in another root: {@code chk-<id>/<run>.hold}. While a hold is there,
 * the runs of that root do not discard the checkpoint. It names where the holding run keeps its own
 * checkpoints and which key groups it owns, so that a later restore of the same processor into the
 * same root from the same checkpoint can take the hold over from the run it replaces (which it fences).
 * Written once, by its run. Format (version 1, also in {@code docs/checkpoints.md}):
 *
 * <pre>
 *   magic "ALOFTHLD" (8) | version int32 | run UTF | ownRoot UTF ("" when the run has none)
 *   | maxParallelism int32 | keyGroupStart int32 | keyGroupEnd int32
 *   | CRC32C of everything before (int32)
 * </pre>
 *
 * @param run the holding run ({@code <instance>-<uuid>})
 * @param ownRoot the holding run's {@code execution.checkpointing.dir}, or null when it has none (such a
 *     hold is never taken over)
 */
record Hold(String run, Location ownRoot, int maxParallelism, KeyGroupRange keyGroups) {

  static final long MAGIC = 0x414c4f4654484c44L; // "ALOFTHLD"
  static final int VERSION = 1;

  void write(StateFileSystem fs, Location location) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(run);
    out.writeUTF(ownRoot == null ? "" : ownRoot.toString());
    out.writeInt(maxParallelism);
    out.writeInt(keyGroups.startKeyGroup());
    out.writeInt(keyGroups.endKeyGroup());
    out.flush();
    MetadataFile.write(fs, location, bytes.toByteArray(), true);
  }

  /**
   * Reads a hold.
   *
   * @throws CheckpointException naming the file if it is not a valid hold
   */
  static Hold read(StateFileSystem fs, Location location) throws IOException {
    return MetadataFile.read(fs, location, "hold", "an Aloft hold", MAGIC, VERSION, VERSION, (in, version) -> {
      String run = in.readUTF();
      String ownRoot = in.readUTF();
      int maxParallelism = in.readInt();
      KeyGroupRange keyGroups = new KeyGroupRange(in.readInt(), in.readInt());
      if (in.available() != 0) {
        throw new java.io.IOException(in.available() + " bytes follow the key groups");
      }
      return new Hold(run, ownRoot.isEmpty() ? null : Location.of(ownRoot), maxParallelism, keyGroups);
    });
  }
}
