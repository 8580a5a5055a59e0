package io.aloft.engine.forst;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import java.nio.file.Path;

/**
 * The {@code forst} backend, with its primary directory on {@code file://}, shows the behaviour every
 * backend must show. A small write buffer makes the suite's data reach SST files and compactions.
 */
class ForStBackendBehaviourTest extends StateBackendBehaviourSuite {
  @Override
  protected Config backendConfig(Path dir) {
    return config(dir);
  }

  static Config config(Path dir) {
    return Config.empty()
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", dir.resolve("checkpoints").toString())
        .with("state.backend.forst.local-dir", dir.resolve("local").toString())
        .with("state.backend.forst.writebuffer.size", "64kb")
        .with("state.backend.forst.block.blocksize", "1kb");
  }
}
