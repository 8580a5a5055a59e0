package io.aloft.fs.azure;

import io.aloft.config.Config;
import io.aloft.engine.testkit.ForStCheckpointRoundTripSuite;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ForStCheckpointRoundTripSuite} on Azure Blob Storage (Azurite): checkpoint, restore in a new engine, carry on.
 * Incremental checkpoints reference the SST files in place; full ones copy them with server-side Copy Blob.
 */
class ForStCheckpointOnAzureTest extends ForStCheckpointRoundTripSuite {

  @BeforeAll
  static void startStore() {
    AzuriteServer.shared().createContainer(ForStOnAzureBehaviourTest.CONTAINER);
  }

  @Override
  protected Config forstConfig(Path localRoot) {
    return ForStOnAzureBehaviourTest.forstOnAzure(ForStOnAzureBehaviourTest.checkpointDir(), localRoot);
  }
}
