package io.aloft.engine.async;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import java.nio.file.Path;

/**
 * The whole behavioural suite through the asynchronous execution controller, over a backend whose
 * every call takes a random time, so requests complete out of order on three read threads and small
 * batches: every guarantee must still hold.
 */
class ChaosBackendBehaviourTest extends StateBackendBehaviourSuite {
  @Override
  protected Config backendConfig(Path dir) {
    return config();
  }

  static Config config() {
    return Config.empty()
        .with("state.backend.type", "chaos")
        .with("chaos.max-latency-micros", "300")
        .with("execution.async-state.active-buffer-size", "7")
        .with("execution.async-state.total-buffer-size", "50");
  }

  /** Every call sleeps: fewer seeds of the random model test. */
  @Override
  protected int defaultModelSeeds() {
    return 40;
  }
}
