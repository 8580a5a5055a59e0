package io.aloft.fs.gcs;

import io.aloft.config.Config;
import io.aloft.engine.testkit.ForStCheckpointRoundTripSuite;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ForStCheckpointRoundTripSuite} on GCS (the fake JSON API): checkpoint, restore in a new engine, carry on.
 * Incremental checkpoints reference the SST files in place; full ones copy them with server-side rewrites.
 */
class ForStCheckpointOnGcsTest extends ForStCheckpointRoundTripSuite {

  @BeforeAll
  static void startStore() {
    SharedFakeGcs.get();
  }

  @Override
  protected Config forstConfig(Path localRoot) {
    return ForStOnGcsBehaviourTest.forstOnGcs(ForStOnGcsBehaviourTest.checkpointDir(), localRoot);
  }
}
