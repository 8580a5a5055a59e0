package io.aloft.engine.heap;

import io.aloft.config.Config;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import java.nio.file.Path;

/** The {@code hashmap} backend shows the behaviour every backend must show. */
class HeapBackendBehaviourTest extends StateBackendBehaviourSuite {
  @Override
  protected Config backendConfig(Path dir) {
    return Config.empty().with("state.backend.type", "hashmap");
  }
}
