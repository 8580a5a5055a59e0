package io.aloft.rocksdb;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import java.nio.file.Path;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behavioural suite through keyed jobs of 1, 2 and 4 subtasks on the {@code rocksdb}
 * backend.
 */
@ParameterizedClass(name = "parallelism {0}")
@ValueSource(ints = {1, 2, 4})
class RocksDbJobBehaviourTest extends StateBackendBehaviourSuite {
  @Parameter int parallelism;

  @Override
  protected Config backendConfig(Path dir) {
    return Config.empty().with("state.backend.type", "rocksdb");
  }

  @Override
  protected int jobParallelism() {
    return parallelism;
  }

  /** Three parallelisms; every checkpoint uploads and every restore downloads: few seeds. */
  @Override
  protected int defaultModelSeeds() {
    return 6;
  }
}
