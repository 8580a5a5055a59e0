package io.aloft.engine.forst;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import java.nio.file.Path;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behavioural suite through keyed jobs of 1, 2 and 4 subtasks on the {@code forst}
 * backend over {@code file://}, configured as {@link ForStBackendBehaviourTest} is.
 */
@ParameterizedClass(name = "parallelism {0}")
@ValueSource(ints = {1, 2, 4})
class ForStJobBehaviourTest extends StateBackendBehaviourSuite {
  @Parameter int parallelism;

  @Override
  protected Config backendConfig(Path dir) {
    return ForStBackendBehaviourTest.config(dir);
  }

  @Override
  protected int jobParallelism() {
    return parallelism;
  }

  /** Three parallelisms, each restoring whole jobs: fewer seeds than one processor runs. */
  @Override
  protected int defaultModelSeeds() {
    return 10;
  }
}
