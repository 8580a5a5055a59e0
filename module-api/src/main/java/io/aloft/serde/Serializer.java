package io.aloft.serde;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Turns values into bytes and back. What a serializer writes is stored in checkpoints and read by later
 * versions of the application, so its format must be stable: change the format, change
 * {@link #version()}; restoring state written with another identifier or version fails with a clear
 * error instead of returning garbage.
 *
 * <p>Implementations must be stateless and thread-safe: the same instance serializes on the task thread
 * and deserializes on I/O threads. {@code serialize} is never called with {@code null}.
 *
 * @param <T> the type of the values
 */
public interface Serializer<T> {

  /** Writes {@code value} (never null). */
  void serialize(T value, DataOutput out) throws IOException;

  /** Reads a value written by {@link #serialize}. */
  T deserialize(DataInput in) throws IOException;

  /**
   * A stable name of the format, such as {@code "int"} or {@code "list<string>"}; equal identifiers and
   * versions mean the same bytes decode to the same values.
   */
  String identifier();

  /** The version of the format named by {@link #identifier()}. */
  default int version() {
    return 1;
  }
}
