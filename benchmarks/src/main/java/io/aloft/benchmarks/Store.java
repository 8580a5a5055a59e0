package io.aloft.benchmarks;

import java.io.Closeable;
import java.io.IOException;

/**
 * The few operations the benchmarks time, on one engine. Each benchmark fork uses one implementation,
 * so the calls stay monomorphic.
 *
 * <p>Threading: {@link #put}, {@link #get} and {@link #scan} may be called from the benchmark threads;
 * the rest from the JMH setup / teardown thread.
 */
public interface Store extends Closeable {

  /** Writes one entry, with no write-ahead log. The arrays are not reused by the caller. */
  void put(byte[] key, byte[] value) throws IOException;

  /** The value of {@code key}, or null. */
  byte[] get(byte[] key) throws IOException;

  /**
   * Reads the first {@code limit} entries whose keys start with {@code prefix}, materialising every key
   * and value as a Java array, and returns how many it read plus the bytes seen (so nothing is dead code).
   */
  ScanResult scan(byte[] prefix, int limit) throws IOException;

  /** Writes every memtable to a file and waits for it. */
  void flush() throws IOException;

  /** Waits until no flush or compaction is running or due. */
  void awaitBackgroundWork() throws IOException;

  /** Compacts everything into one sorted level and waits for it. */
  void compactAll() throws IOException;

  /** A few lines on the shape of the tree and the engine's own counters, for the benchmark log. */
  String describe() throws IOException;

  /** What one scan saw. */
  record ScanResult(int entries, long bytes) {}
}
