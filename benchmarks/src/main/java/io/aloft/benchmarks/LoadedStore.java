package io.aloft.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;

/**
 * A store in a scratch directory, optionally loaded with a whole {@link Dataset} and compacted into one
 * sorted level, so the read benchmarks of both engines start from the same shape of tree.
 */
final class LoadedStore implements AutoCloseable {

  final Dataset data;
  final Store store;
  private final ScratchDir dir;
  private final String label;

  private LoadedStore(Dataset data, Store store, ScratchDir dir, String label) {
    this.data = data;
    this.store = store;
    this.dir = dir;
    this.label = label;
  }

  /** An empty store of {@code engine} with {@code settings}, for {@code data}. */
  static LoadedStore empty(String engine, Dataset data, EngineSettings settings) throws IOException {
    Engine e = Engine.parse(engine);
    ScratchDir dir = ScratchDir.create(engine);
    try {
      return new LoadedStore(data, e.open(dir.path(), settings), dir, engine);
    } catch (IOException | RuntimeException ex) {
      dir.close();
      throw ex;
    }
  }

  /**
   * A store holding every key of {@code data}, written in fill order, flushed and fully compacted; checks
   * one get and one scan before any timing starts.
   */
  static LoadedStore loaded(String engine, Dataset data, EngineSettings settings) throws IOException {
    LoadedStore s = empty(engine, data, settings);
    try {
      long start = System.nanoTime();
      s.fill();
      s.store.flush();
      long loaded = System.nanoTime();
      s.store.compactAll();
      long compacted = System.nanoTime();
      log("%s: loaded %,d keys in %.1f s, compacted in %.1f s; %.1f MiB on disk (%.1f MiB raw), "
              + "block cache %.1f MiB",
          engine, data.keys(), (loaded - start) / 1e9, (compacted - loaded) / 1e9,
          s.dir.sizeBytes() / (double) EngineSettings.MIB, data.rawBytes() / (double) EngineSettings.MIB,
          settings.blockCacheBytes() / (double) EngineSettings.MIB);
      s.check();
      return s;
    } catch (IOException | RuntimeException ex) {
      s.close();
      throw ex;
    }
  }

  /** Writes every key of the data set once, in {@link Dataset#fillOrder} order. */
  void fill() throws IOException {
    Dataset d = data;
    Store st = store;
    long n = d.keys();
    for (long j = 0; j < n; j++) {
      long i = d.fillOrder(j);
      st.put(d.key(i), d.value(i));
    }
  }

  /** Fails unless a get and a scan return what was written: a benchmark of wrong answers measures nothing. */
  void check() throws IOException {
    long i = data.keys() / 3 + 7;
    byte[] value = store.get(data.key(i));
    if (!Arrays.equals(value, data.value(i))) {
      throw new IllegalStateException(label + " returned a wrong value for key " + i);
    }
    Store.ScanResult scan = store.scan(data.prefix(data.prefixes() / 2), Dataset.KEYS_PER_PREFIX);
    if (scan.entries() != Dataset.KEYS_PER_PREFIX) {
      throw new IllegalStateException(
          label + " scanned " + scan.entries() + " entries of a prefix that has " + Dataset.KEYS_PER_PREFIX);
    }
  }

  /** The engine's own account of the tree, the scratch directory's size and the JVM's heap and GC. */
  void report(String when) throws IOException {
    log("%s %s:%n%s  on disk: %.1f MiB%n  %s", label, when, store.describe().stripTrailing(),
        dir.sizeBytes() / (double) EngineSettings.MIB, jvmMemory());
  }

  /** The heap cap, each heap pool's peak (the old generation's is what the data needed) and GC totals. */
  static String jvmMemory() {
    StringBuilder out = new StringBuilder(String.format("heap: max %d MiB; peaks", Runtime.getRuntime().maxMemory() >> 20));
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        out.append(String.format(" %s %d MiB,", pool.getName(), pool.getPeakUsage().getUsed() >> 20));
      }
    }
    out.setLength(out.length() - 1);
    for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
      out.append(String.format("; %s %d (%.1f s)", bean.getName(), bean.getCollectionCount(),
          bean.getCollectionTime() / 1000.0));
    }
    return out.toString();
  }

  static void log(String format, Object... args) {
    System.out.printf("%n[aloft-bench] " + format + "%n", args);
    System.out.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      store.close();
    } finally {
      dir.close();
    }
  }
}
