package io.aloft.engine.async;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import java.nio.file.Path;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behavioural suite through keyed jobs of 1, 2 and 4 subtasks over the chaos
 * backend, configured as {@link ChaosBackendBehaviourTest} is: requests complete out of order.
 */
@ParameterizedClass(name = "parallelism {0}")
@ValueSource(ints = {1, 2, 4})
class ChaosJobBehaviourTest extends StateBackendBehaviourSuite {
  @Parameter int parallelism;

  @Override
  protected Config backendConfig(Path dir) {
    return ChaosBackendBehaviourTest.config();
  }

  @Override
  protected int jobParallelism() {
    return parallelism;
  }

  /** Three parallelisms, each restoring whole jobs: fewer seeds than one processor runs. */
  @Override
  protected int defaultModelSeeds() {
    return 4;
  }
}
