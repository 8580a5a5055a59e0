package io.aloft.samples;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * The behavioural suite on {@code forst} with the {@code virtual} executor strategy: every read on its
 * own virtual thread. Runs on Java 21+ (CI runs it on the Temurin 25 JDK when present).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsForStBehaviourTest extends StateBackendBehaviourSuite {
  @Override
  protected Config backendConfig(Path dir) {
    return Config.empty()
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", dir.resolve("checkpoints").toString())
        .with("state.backend.forst.local-dir", dir.resolve("local").toString())
        .with("state.backend.forst.writebuffer.size", "64kb")
        .with("state.backend.forst.executor.strategy", "virtual")
        .with("execution.async-state.active-buffer-size", "5");
  }
}
