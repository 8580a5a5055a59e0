package io.aloft.samples;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import java.nio.file.Path;

/** The behavioural suite on {@code forst} with the {@code direct} executor strategy. */
class DirectStrategyForStBehaviourTest extends StateBackendBehaviourSuite {
  @Override
  protected Config backendConfig(Path dir) {
    return Config.empty()
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", dir.resolve("checkpoints").toString())
        .with("state.backend.forst.local-dir", dir.resolve("local").toString())
        .with("state.backend.forst.executor.strategy", "direct");
  }
}
