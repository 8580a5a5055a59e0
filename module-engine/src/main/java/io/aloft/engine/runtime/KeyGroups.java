package io.aloft.engine.runtime;

/**
 * Assigns keys to key groups: {@code (murmur3_32(serialized key, seed 0) & 0x7fffffff) % maxParallelism}.
 * Hashing the serialized bytes (not {@code hashCode()}) makes the assignment stable across JVMs and
 * languages, which matters because checkpoints are partitioned by key group.
 */
public final class KeyGroups {
  private KeyGroups() {}

  public static int assign(byte[] serializedKey, int maxParallelism) {
    return (murmur3(serializedKey) & 0x7fffffff) % maxParallelism;
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
