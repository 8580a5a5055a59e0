package io.aloft.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Byte-level helpers shared by the serializer tests. */
final class SerdeTesting {
  private SerdeTesting() {}

  static <T> byte[] bytesOf(Serializer<T> serializer, T value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      serializer.serialize(value, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads {@code bytes} back and checks that the serializer consumed all of them. */
  static <T> T read(Serializer<T> serializer, byte[] bytes) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    T value = serializer.deserialize(new DataInputStream(in));
    assertThat(in.available()).as("bytes left unread by " + serializer).isZero();
    return value;
  }

  static <T> T roundTrip(Serializer<T> serializer, T value) throws IOException {
    return read(serializer, bytesOf(serializer, value));
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
