package io.aloft.spi.backend;

/**
 * A contiguous, inclusive range of key groups, the unit of state ownership: an instance owns one range
 * and sees only keys whose group falls in it.
 *
 * @param startKeyGroup first key group, inclusive
 * @param endKeyGroup last key group, inclusive
 */
public record KeyGroupRange(int startKeyGroup, int endKeyGroup) {

  public KeyGroupRange {
    if (startKeyGroup < 0 || endKeyGroup < startKeyGroup) {
      throw new IllegalArgumentException(
          "invalid key-group range [" + startKeyGroup + ", " + endKeyGroup + "]");
    }
  }

  /** All key groups of a job with {@code maxParallelism} groups. */
  public static KeyGroupRange all(int maxParallelism) {
    return new KeyGroupRange(0, maxParallelism - 1);
  }

  /**
   * The range of instance {@code index} out of {@code parallelism} (Flink's assignment, so that a
   * checkpoint's ranges line up with Flink users' expectations).
   */
  public static KeyGroupRange forInstance(int maxParallelism, int parallelism, int index) {
    if (parallelism < 1 || parallelism > maxParallelism) {
      throw new IllegalArgumentException(
          "parallelism " + parallelism + " must be between 1 and max parallelism " + maxParallelism);
    }
    if (index < 0 || index >= parallelism) {
      throw new IllegalArgumentException(
          "instance index " + index + " is outside [0, " + parallelism + ")");
    }
    int start = (int) (((long) index * maxParallelism + parallelism - 1) / parallelism);
    int end = (int) (((long) (index + 1) * maxParallelism - 1) / parallelism);
    return new KeyGroupRange(start, end);
  }

  public boolean contains(int keyGroup) {
    return keyGroup >= startKeyGroup && keyGroup <= endKeyGroup;
  }

  /** Whether the two ranges share a key group. */
  public boolean overlaps(KeyGroupRange other) {
    return startKeyGroup <= other.endKeyGroup && other.startKeyGroup <= endKeyGroup;
  }

  /** Number of key groups in the range. */
  public int size() {
    return endKeyGroup - startKeyGroup + 1;
  }

  @Override
  public String toString() {
    return "[" + startKeyGroup + ", " + endKeyGroup + "]";
  }
}
