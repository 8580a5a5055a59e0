package io.aloft.fs.s3;

import io.aloft.config.Config;
import io.aloft.engine.testkit.ForStCheckpointRoundTripSuite;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ForStCheckpointRoundTripSuite} on S3 (S3Proxy): checkpoint, restore in a new engine, carry on.
 * Incremental checkpoints reference the SST files in place; full ones copy them with server-side copies.
 */
class ForStCheckpointOnS3Test extends ForStCheckpointRoundTripSuite {

  @BeforeAll
  static void startStore() {
    S3ProxyServer.shared().createBucket(ForStOnS3BehaviourTest.BUCKET);
  }

  @Override
  protected Config forstConfig(Path localRoot) {
    return ForStOnS3BehaviourTest.forstOnS3(ForStOnS3BehaviourTest.checkpointDir(), localRoot);
  }
}
