package io.aloft.process;

import io.aloft.serde.SerializationException;
import io.aloft.serde.Serializer;
import io.aloft.spi.backend.KeyGroupRange;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * How keys are assigned to key groups and key groups to subtasks — what a {@link KeyedJob} routes by,
 * public for users who route records to {@link KeyedProcessor} instances themselves.
 *
 * <ul>
 *   <li>A key's group is {@code (murmur3_32(serialized key, seed 0) & 0x7fffffff) % maxParallelism}
 *       ({@code pipeline.max-parallelism}). Hashing the serialized bytes (not {@code hashCode()}) keeps
 *       the assignment stable across JVMs and languages, which matters because checkpoints are
 *       partitioned by key group.
 *   <li>Subtask {@code i} of {@code parallelism} owns the contiguous range {@link #rangeOf} gives, and
 *       key group {@code g} belongs to subtask {@code g * parallelism / maxParallelism}: Flink's
 *       {@code KeyGroupRangeAssignment}, so a checkpoint's ranges line up with what Flink users expect.
 * </ul>
 */
public final class KeyGroups {
  private KeyGroups() {}

  /** The key group of a serialized key. */
  public static int keyGroupOf(byte[] serializedKey, int maxParallelism) {
    checkMaxParallelism(maxParallelism);
    return (murmur3(serializedKey) & 0x7fffffff) % maxParallelism;
  }

  /** The key group of {@code key}, serialized with {@code serializer} (which must be deterministic). */
  public static <K> int keyGroupOf(K key, Serializer<K> serializer, int maxParallelism) {
    return keyGroupOf(serialize(key, serializer), maxParallelism);
  }

  /** The key groups subtask {@code subtask} of {@code parallelism} owns. */
  public static KeyGroupRange rangeOf(int subtask, int parallelism, int maxParallelism) {
    return KeyGroupRange.forInstance(maxParallelism, parallelism, subtask);
  }

  /** The subtask of {@code parallelism} that owns {@code keyGroup}. */
  public static int subtaskOf(int keyGroup, int parallelism, int maxParallelism) {
    checkMaxParallelism(maxParallelism);
    if (parallelism < 1 || parallelism > maxParallelism) {
      throw new IllegalArgumentException(
          "parallelism " + parallelism + " must be between 1 and max parallelism " + maxParallelism);
    }
    if (keyGroup < 0 || keyGroup >= maxParallelism) {
      throw new IllegalArgumentException(
          "key group " + keyGroup + " is outside [0, " + maxParallelism + ")");
    }
    return (int) ((long) keyGroup * parallelism / maxParallelism);
  }

  /** The subtask of {@code parallelism} that owns {@code key}'s key group. */
  public static <K> int subtaskOf(K key, Serializer<K> serializer, int parallelism, int maxParallelism) {
    return subtaskOf(keyGroupOf(key, serializer, maxParallelism), parallelism, maxParallelism);
  }

  private static void checkMaxParallelism(int maxParallelism) {
    if (maxParallelism < 1 || maxParallelism > 32768) {
      throw new IllegalArgumentException(
          "max parallelism " + maxParallelism + " must be between 1 and 32768");
    }
  }

  private static <K> byte[] serialize(K key, Serializer<K> serializer) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(32);
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      serializer.serialize(key, out);
    } catch (IOException e) {
      throw new SerializationException("cannot serialize the key with " + serializer.identifier(), e);
    }
    return buffer.toByteArray();
  }

  /** MurmurHash3, x86 32-bit variant, seed 0 (Austin Appleby's public-domain algorithm). */
  static int murmur3(byte[] data) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h = 0;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int k =
          (data[4 * i] & 0xff)
              | (data[4 * i + 1] & 0xff) << 8
              | (data[4 * i + 2] & 0xff) << 16
              | (data[4 * i + 3] & 0xff) << 24;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int k = 0;
    int tail = blocks * 4;
    switch (data.length & 3) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        k ^= data[tail] & 0xff;
        k *= c1;
        k = Integer.rotateLeft(k, 15);
        k *= c2;
        h ^= k;
        break;
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
