package io.aloft.engine.keyedstate;

import io.aloft.serde.SerializationException;
import io.aloft.serde.Serializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Serializing to and from byte arrays, with errors that name the serializer. */
public final class Bytes {
  private Bytes() {}

  public static <T> byte[] serialize(Serializer<T> serializer, T value) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(32);
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      serializer.serialize(value, out);
    } catch (IOException e) {
      throw new SerializationException("cannot serialize with " + serializer.identifier(), e);
    }
    return buffer.toByteArray();
  }

  public static <T> T deserialize(Serializer<T> serializer, byte[] bytes, int offset, int length) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length));
      T value = serializer.deserialize(in);
      if (in.available() != 0) {
        throw new SerializationException(
            serializer.identifier() + " left " + in.available() + " of " + length + " bytes unread");
      }
      return value;
    } catch (IOException e) {
      throw new SerializationException(
          "cannot deserialize " + length + " bytes with " + serializer.identifier(), e);
    }
  }

  /** Writes an unsigned LEB128 varint into {@code out}. */
  static void putVarInt(ByteArrayOutputStream out, int value) {
    while ((value & ~0x7F) != 0) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  /** Reads a varint at {@code pos[0]} of {@code bytes}, advancing {@code pos[0]}. */
  static int getVarInt(byte[] bytes, int[] pos) {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = bytes[pos[0]++] & 0xFF;
      result |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new SerializationException("malformed varint in a stored value");
  }

  static void putLong(ByteArrayOutputStream out, long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
  }

  static long getLong(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[offset + i] & 0xFF);
    }
    return v;
  }
}
