package io.aloft.flink;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Aloft writes as the metadata of its part of a Flink checkpoint (the {@code metaStateHandle} of
 * its {@code IncrementalRemoteKeyedStateHandle}):
 *
 * <pre>
 * int    magic 0x416C4654 ("AlFT")
 * int    version (1)
 * UTF    the root the files' relative paths refer to, when the part was written
 * int    number of states, then for each: UTF state id, UTF kind (Flink's StateDescriptor.Type)
 * int    length, then the Aloft backend's own metadata (for forst: its files by level, its tables)
 * </pre>
 *
 * On restore, the root is taken from the shared files' handles (a checkpoint directory that was
 * moved still restores); the recorded one serves parts that name no file.
 */
record CheckpointEnvelope(String root, Map<String, String> stateKinds, byte[] backendMetadata) {

  static final int MAGIC = 0x416C4654;
  static final int VERSION = 1;

  byte[] toBytes() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(root);
      out.writeInt(stateKinds.size());
      for (Map.Entry<String, String> e : stateKinds.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeInt(backendMetadata.length);
      out.write(backendMetadata);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads an envelope.
   *
   * @throws IOException naming {@code where} if the bytes are not an envelope Aloft wrote
   */
  static CheckpointEnvelope read(InputStream stream, String where) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException(
          where + " is not the metadata of an Aloft checkpoint part (magic 0x"
              + Integer.toHexString(magic) + "): was the checkpoint taken with another state backend?");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException(
          where + " has Aloft checkpoint-part version " + version + "; this release reads version "
              + VERSION);
    }
    String root = in.readUTF();
    int states = in.readInt();
    Map<String, String> kinds = new LinkedHashMap<>();
    for (int i = 0; i < states; i++) {
      kinds.put(in.readUTF(), in.readUTF());
    }
    int length = in.readInt();
    if (length < 0 || length > (1 << 30)) {
      throw new IOException(where + ": corrupt Aloft checkpoint part (metadata length " + length + ")");
    }
    byte[] metadata = in.readNBytes(length);
    if (metadata.length != length) {
      throw new IOException(where + ": truncated Aloft checkpoint part");
    }
    return new CheckpointEnvelope(root, kinds, metadata);
  }
}
