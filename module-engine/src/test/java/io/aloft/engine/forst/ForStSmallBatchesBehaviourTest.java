package io.aloft.engine.forst;

import io.aloft.config.Config;
import java.nio.file.Path;

/**
 * The behavioural suite on {@code forst} with tiny batches and a tiny in-flight bound, so requests of
 * one record span batches and phases, write batches interleave with multi-gets, and back-pressure
 * engages constantly.
 */
class ForStSmallBatchesBehaviourTest extends ForStBackendBehaviourTest {
  @Override
  protected Config backendConfig(Path dir) {
    return super.backendConfig(dir)
        .with("execution.async-state.active-buffer-size", "3")
        .with("execution.async-state.total-buffer-size", "8")
        .with("state.backend.forst.executor.read-io-parallelism", "2")
        .with("state.backend.forst.executor.inline-write", "false")
        .with("state.backend.forst.executor.inline-coordinator", "false");
  }

  /** Tiny batches are slower: fewer seeds of the random model test. */
  @Override
  protected int defaultModelSeeds() {
    return 100;
  }
}
