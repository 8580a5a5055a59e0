package io.aloft.fs.hdfs;

import io.aloft.config.Config;
import io.aloft.engine.testkit.ForStCheckpointRoundTripSuite;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ForStCheckpointRoundTripSuite} on HDFS (the shared MiniDFSCluster): checkpoint, restore in a new engine, carry on.
 * Incremental checkpoints reference the SST files in place; full ones copy them by streaming, since HDFS has no server-side copy.
 */
class ForStCheckpointOnHdfsTest extends ForStCheckpointRoundTripSuite {

  @BeforeAll
  static void startCluster() {
    MiniHdfs.shared();
  }

  @Override
  protected Config forstConfig(Path localRoot) {
    return ForStOnHdfsBehaviourTest.forstOnHdfs(ForStOnHdfsBehaviourTest.checkpointDir(), localRoot);
  }
}
