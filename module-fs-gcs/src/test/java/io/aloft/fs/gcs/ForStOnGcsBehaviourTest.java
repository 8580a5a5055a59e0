package io.aloft.fs.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.testkit.ForStOnRemoteStore;
import io.aloft.engine.testkit.StateBackendBehaviourSuite;
import io.aloft.engine.testkit.StateHarness;
import io.aloft.serde.Serializers;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.state.ValueState;
import io.aloft.state.ValueStateDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the {@code forst} backend keeps its SST files on GCS (the fake JSON API) and shows the behaviour
 * every backend must show. Each test writes below a checkpoint directory of its own in one bucket. A
 * small write buffer makes the suite's data reach SST files and compactions; with small files, a small
 * local file cache and no block cache, reads go through the file cache to GCS and evictions happen.
 *
 * <p>{@link ForStCheckpointOnGcsTest} checkpoints and restores.
 */
class ForStOnGcsBehaviourTest extends StateBackendBehaviourSuite {

  static final String BUCKET = "forst";

  private static FakeGcs store;

  @BeforeAll
  static void startStore() {
    store = SharedFakeGcs.get();
  }

  @Override
  protected Config backendConfig(Path dir) {
    return forstOnGcs(checkpointDir(), dir);
  }

  /** A checkpoint directory no other test uses. */
  static Location checkpointDir() {
    return Location.of("gs://" + BUCKET + "/" + UUID.randomUUID() + "/ckp");
  }

  /** The forst backend with its checkpoints (and so its SST files) below {@code checkpoints}. */
  static Config forstOnGcs(Location checkpoints, Path dir) {
    return ForStOnRemoteStore.config(SharedFakeGcs.get().config(), checkpoints, dir);
  }


  @Test
  void sstFilesLandInTheBucketAndServeReads(@TempDir Path dir) throws IOException {
    Location checkpoints = checkpointDir();
    var descriptor = new ValueStateDescriptor<>("value", Serializers.STRING);
    String padding = "x".repeat(200);

    try (StateHarness<ValueState<String>> h =
        new StateHarness<>(forstOnGcs(checkpoints, dir), c -> c.getState(descriptor))) {
      for (int i = 0; i < 600; i++) {
        String value = i + padding;
        h.on("key-" + i, (s, c, o) -> s.update(value));
      }
      h.drain();

      List<FileEntry> remote;
      try (StateFileSystem gcs = new GcsFileSystemProvider().create("gs", store.config())) {
        remote = gcs.list(checkpoints);
      }
      assertThat(remote)
          .as("files below %s", checkpoints)
          .anySatisfy(f -> assertThat(f.location().fileName()).endsWith(".sst"));
      assertThat(h.<String>read("key-7", (s, r) -> r.accept(s.value()))).isEqualTo("7" + padding);
      assertThat(h.<String>read("key-599", (s, r) -> r.accept(s.value()))).isEqualTo("599" + padding);
    }
  }

  /** Every checkpoint and restore goes to the store: a few seeds of the random model test. */
  @Override
  protected int defaultModelSeeds() {
    return 5;
  }
}
