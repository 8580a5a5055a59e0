package io.aloft.benchmarks;

import java.io.IOException;
import java.nio.file.Path;

/** The engines compared; the {@code engine} parameter of every benchmark names one. */
public enum Engine {
  ALOFT {
    @Override
    public Store open(Path dir, EngineSettings settings) throws IOException {
      return AloftStore.open(dir, settings);
    }
  },
  ROCKSDB {
    @Override
    public Store open(Path dir, EngineSettings settings) throws IOException {
      return RocksStore.open(dir, settings);
    }
  },
  /** forstjni, the engine under Flink's ForSt state backend. */
  FORST {
    @Override
    public Store open(Path dir, EngineSettings settings) throws IOException {
      return ForStStore.open(dir, settings);
    }
  };

  /** Creates an empty store in {@code dir}, which must exist and be empty. */
  public abstract Store open(Path dir, EngineSettings settings) throws IOException;

  /** The engine named {@code name}, in any case ({@code aloft}, {@code rocksdb}, {@code forst}). */
  public static Engine parse(String name) {
    return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
  }
}
