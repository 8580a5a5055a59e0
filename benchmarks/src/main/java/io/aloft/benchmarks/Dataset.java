package io.aloft.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The deterministic data every benchmark writes: {@code keys} entries of 16-byte keys and 100-byte
 * values, the same bytes on every run and for both engines.
 *
 * <p>Key {@code i} belongs to group {@code g = i / 100} and has suffix {@code s = i % 100}:
 *
 * <pre>
 *   bytes  0..7   mix64(g), big-endian      spreads the groups over the key space
 *   bytes  8..13  g, low 48 bits            keeps the prefix unique whatever the mix does
 *   bytes 14..15  s, big-endian
 * </pre>
 *
 * so the 14-byte prefix of a group holds exactly 100 keys, adjacent in key order. Values are slices of
 * a seeded buffer that compresses to about half its size (as RocksDB's {@code db_bench} values do), so
 * LZ4 has real work on both sides.
 *
 * <p>{@link #fillOrder} visits every key once in a scattered order (a stride permutation), so a fill is
 * a random-order load ({@code fillrandom}), not an append of sorted keys.
 */
public final class Dataset {

  public static final int KEY_BYTES = 16;
  public static final int PREFIX_BYTES = 14;
  public static final int VALUE_BYTES = 100;
  public static final int KEYS_PER_PREFIX = 100;

  private static final int SOURCE_BYTES = 1 << 20;
  private static final long SEED = 0x5EED_A10F_7L;
  /** A prime: coprime with every key count below it, so {@code j * STRIDE mod n} is a permutation. */
  private static final long STRIDE = 2_654_435_761L;

  private final long keys;
  private final byte[] source;

  /**
   * @param keys the number of keys, a positive multiple of 100 (whole prefixes) below 2^31
   */
  public Dataset(long keys) {
    if (keys <= 0 || keys % KEYS_PER_PREFIX != 0 || keys >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "keys must be a positive multiple of " + KEYS_PER_PREFIX + " below 2^31, not " + keys);
    }
    this.keys = keys;
    this.source = compressibleSource();
  }

  public long keys() {
    return keys;
  }

  /** Whole prefixes, each with {@link #KEYS_PER_PREFIX} keys. */
  public long prefixes() {
    return keys / KEYS_PER_PREFIX;
  }

  /** The bytes of keys and values together: what "the data" means when sizing a cache against it. */
  public long rawBytes() {
    return keys * (KEY_BYTES + VALUE_BYTES);
  }

  /** The index of the {@code j}-th key a fill writes; over {@code j = 0..keys-1}, every index once. */
  public long fillOrder(long j) {
    return (j * (STRIDE % keys)) % keys;
  }

  /** A new array holding key {@code i}. */
  public byte[] key(long i) {
    byte[] key = new byte[KEY_BYTES];
    writePrefix(key, i / KEYS_PER_PREFIX);
    int suffix = (int) (i % KEYS_PER_PREFIX);
    key[14] = (byte) (suffix >>> 8);
    key[15] = (byte) suffix;
    return key;
  }

  /** A new array holding the 14-byte prefix of group {@code g}, shared by keys {@code 100g..100g+99}. */
  public byte[] prefix(long g) {
    byte[] prefix = new byte[PREFIX_BYTES];
    writePrefix(prefix, g);
    return prefix;
  }

  /** A new array holding the value of key {@code i}. */
  public byte[] value(long i) {
    int offset = (int) Long.remainderUnsigned(mix64(i ^ SEED), SOURCE_BYTES - VALUE_BYTES);
    return Arrays.copyOfRange(source, offset, offset + VALUE_BYTES);
  }

  private static void writePrefix(byte[] target, long g) {
    long mixed = mix64(g);
    for (int b = 0; b < 8; b++) {
      target[b] = (byte) (mixed >>> (56 - 8 * b));
    }
    for (int b = 0; b < 6; b++) {
      target[8 + b] = (byte) (g >>> (40 - 8 * b));
    }
  }

  /** A bijection on longs with good avalanche (the SplitMix64 finaliser). */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Runs of 50 random letters each written twice: LZ4 stores about half. */
  private static byte[] compressibleSource() {
    SplittableRandom random = new SplittableRandom(SEED);
    byte[] bytes = new byte[SOURCE_BYTES];
    int half = VALUE_BYTES / 2;
    for (int at = 0; at < SOURCE_BYTES; at += 2 * half) {
      for (int k = 0; k < half && at + k < SOURCE_BYTES; k++) {
        bytes[at + k] = (byte) (' ' + random.nextInt(95));
      }
      int copy = Math.min(half, SOURCE_BYTES - at - half);
      if (copy > 0) {
        System.arraycopy(bytes, at, bytes, at + half, copy);
      }
    }
    return bytes;
  }
}
