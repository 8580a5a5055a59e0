package io.aloft.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;

/** Configuration and metadata errors name what is wrong; nothing here needs a running Flink. */
class AloftStateBackendConfigTest {

  private static AloftStateBackend load(Map<String, String> keys) throws IOException {
    return new AloftStateBackendFactory()
        .createFromConfig(Configuration.fromMap(keys), AloftStateBackendConfigTest.class.getClassLoader());
  }

  @Test
  void theDefaultsServeAsyncStateWithForStAndSupportNoClaimAndNativeSavepoints() throws IOException {
    AloftStateBackend backend = load(Map.of());
    assertThat(backend.getName()).isEqualTo("AloftStateBackend(forst)");
    assertThat(backend.supportsAsyncKeyedStateBackend()).isTrue();
    assertThat(backend.supportsNoClaimRestoreMode()).isTrue();
    assertThat(backend.supportsSavepointFormat(SavepointFormatType.NATIVE)).isTrue();
    assertThat(backend.supportsSavepointFormat(SavepointFormatType.CANONICAL)).isFalse();
  }

  @Test
  void anUnknownAloftBackendFailsNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of(AloftStateBackend.TYPE_KEY, "forest")))
        .isInstanceOf(IllegalConfigurationException.class)
        .hasMessageContaining("forest");
  }

  @Test
  void aBadValueOfAnAloftKeyFailsNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of("state.backend.forst.writebuffer.size", "lots")))
        .isInstanceOf(IllegalConfigurationException.class)
        .hasMessageContaining("state.backend.forst.writebuffer.size");
  }

  @Test
  void forStKeysAloftDoesNotImplementAreIgnored() throws IOException {
    assertThat(load(Map.of("state.backend.forst.memory.managed", "true")).getName())
        .isEqualTo("AloftStateBackend(forst)");
  }

  @Test
  void theStorageProvidersKeysReachAloftAndFlinksOwnKeysDoNot() throws IOException {
    AloftStateBackend backend =
        load(
            Map.of(
                "testkit.remote.read-latency", "3 ms",
                "execution.checkpointing.interval", "1 s",
                "state.backend.forst.block.cache-size", "16mb"));
    assertThat(backend.aloftConfig().get(io.aloft.engine.testkit.RemoteSchemeFileSystemProvider.READ_LATENCY))
        .isEqualTo(java.time.Duration.ofMillis(3));
    assertThat(backend.aloftConfig().contains("state.backend.forst.block.cache-size")).isTrue();
    assertThat(backend.aloftConfig().contains("execution.checkpointing.interval"))
        .as("Flink's checkpoint keys are Flink's, not Aloft's checkpoint store's")
        .isFalse();
  }

  @Test
  void aSyncBackendThatCannotBeLoadedFailsNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of(AloftStateBackend.SYNC_BACKEND_KEY, "com.example.NoSuchFactory")))
        .isInstanceOf(IllegalConfigurationException.class)
        .hasMessageContaining(AloftStateBackend.SYNC_BACKEND_KEY);
    assertThatThrownBy(
            () -> load(Map.of(AloftStateBackend.SYNC_BACKEND_KEY, AloftStateBackendFactory.class.getName())))
        .isInstanceOf(IllegalConfigurationException.class)
        .hasMessageContaining(AloftStateBackend.SYNC_BACKEND_KEY);
  }

  @Test
  void checkpointMetadataRoundTripsAndForeignOrCorruptMetadataIsRefusedByName() throws IOException {
    CheckpointEnvelope envelope =
        new CheckpointEnvelope("file:///checkpoints", Map.of("count", "VALUE"), new byte[] {1, 2, 3});
    CheckpointEnvelope back =
        CheckpointEnvelope.read(new ByteArrayInputStream(envelope.toBytes()), "chk-1/part");
    assertThat(back.root()).isEqualTo("file:///checkpoints");
    assertThat(back.stateKinds()).containsEntry("count", "VALUE");
    assertThat(back.backendMetadata()).containsExactly(1, 2, 3);

    assertThatThrownBy(
            () -> CheckpointEnvelope.read(new ByteArrayInputStream(new byte[] {0, 0, 0, 7, 0, 0, 0, 1}), "chk-2/part"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chk-2/part")
        .hasMessageContaining("another state backend");
    byte[] truncated = java.util.Arrays.copyOf(envelope.toBytes(), envelope.toBytes().length - 2);
    assertThatThrownBy(() -> CheckpointEnvelope.read(new ByteArrayInputStream(truncated), "chk-3/part"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("chk-3/part");
  }
}
