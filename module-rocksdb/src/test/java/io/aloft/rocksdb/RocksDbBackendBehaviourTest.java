package io.aloft.rocksdb;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import java.nio.file.Path;

/** The {@code rocksdb} backend, found through ServiceLoader, shows the behaviour every backend must show. */
class RocksDbBackendBehaviourTest extends StateBackendBehaviourSuite {
  @Override
  protected Config backendConfig(Path dir) {
    return Config.empty().with("state.backend.type", "rocksdb");
  }

  /** Every checkpoint uploads and every restore downloads: fewer seeds of the random model test. */
  @Override
  protected int defaultModelSeeds() {
    return 50;
  }
}
