package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.MissingPluginException;
import io.aloft.process.Collector;
import io.aloft.process.KeyedProcessFunction;
import io.aloft.spi.fs.Location;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration fails when {@link Aloft} is created, with the key or file named. */
class AloftConfigurationTest {
  @TempDir Path dir;

  static final class Noop extends KeyedProcessFunction<String, String, String> {
    @Override
    public void processElement(String value, Context<String> context, Collector<String> out) {}
  }

  private Path yaml(String text) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void malformedYamlNamesTheFileAndLine() throws Exception {
    Path file = yaml("state.backend.type: hashmap\nstate: [unclosed\n");
    assertThatThrownBy(() -> Aloft.fromYaml(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("line");
  }

  @Test
  void aMissingConfigFileIsNamed() {
    Path file = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> Aloft.fromYaml(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void anUnknownForstKeyIsNamedWithTheClosestKnownKey() throws Exception {
    Path file = yaml("state:\n  backend:\n    forst:\n      block.cache-sise: 8mb\n");
    assertThatThrownBy(() -> Aloft.fromYaml(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'state.backend.forst.block.cache-sise'")
        .hasMessageContaining("state.backend.forst.block.cache-size")
        .extracting(e -> ((ConfigException) e).key().orElseThrow())
        .isEqualTo("state.backend.forst.block.cache-sise");
  }

  @Test
  void aWrongUnitNamesTheKeyAndTheExpectedForm() {
    Config config = Config.empty().with("state.backend.forst.writebuffer.size", "1 GBX");
    assertThatThrownBy(() -> Aloft.create(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("state.backend.forst.writebuffer.size")
        .hasMessageContaining("1 GBX")
        .hasMessageContaining("memory size");
  }

  @Test
  void aNegativeSizeNamesTheKey() {
    Config config = Config.empty().with("state.backend.forst.block.cache-size", "-8mb");
    assertThatThrownBy(() -> Aloft.create(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("state.backend.forst.block.cache-size")
        .hasMessageContaining("negative");
  }

  @Test
  void anOutOfRangeMaxParallelismNamesTheKey() {
    Config config = Config.empty().with("pipeline.max-parallelism", "0");
    assertThatThrownBy(() -> Aloft.create(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pipeline.max-parallelism");
  }

  @Test
  void anUnknownBackendTypeNamesTheKeyAndTheAvailableBackends() {
    Config config = Config.empty().with("state.backend.type", "nosuch");
    assertThatThrownBy(() -> Aloft.create(config))
        .isInstanceOf(MissingPluginException.class)
        .hasMessageContaining("state.backend.type")
        .hasMessageContaining("nosuch")
        .hasMessageContaining("hashmap");
  }

  @Test
  void aKnownBackendWhoseModuleIsAbsentNamesTheModuleToAdd() {
    Config config = Config.empty().with("state.backend.type", "rocksdb");
    assertThatThrownBy(() -> Aloft.create(config))
        .isInstanceOf(MissingPluginException.class)
        .hasMessageContaining("io.aloft.rocksdb")
        .hasMessageContaining("io.aloft:aloft-rocksdb");
  }

  @Test
  void aStorageSchemeWhoseModuleIsAbsentNamesTheModuleToAdd() {
    try (Aloft aloft = Aloft.create(Config.empty())) {
      assertThatThrownBy(() -> aloft.fileSystem(Location.of("s3://bucket/state")))
          .isInstanceOf(MissingPluginException.class)
          .hasMessageContaining("s3://")
          .hasMessageContaining("io.aloft.fs.s3");
    }
  }

  @Test
  void theLocalFileSystemIsFoundForFileLocations() throws Exception {
    try (Aloft aloft = Aloft.create(Config.empty())) {
      assertThat(aloft.fileSystem(Location.of(dir.toString()))).isNotNull();
    }
  }

  @Test
  void theDefaultBackendIsHashmap() {
    try (Aloft aloft = Aloft.create(Config.empty())) {
      assertThat(aloft.backendType()).isEqualTo("hashmap");
    }
  }

  @Test
  void aProcessorNeedsAKeySelectorAndAKeySerializer() {
    try (Aloft aloft = Aloft.create(Config.empty())) {
      assertThatThrownBy(() -> aloft.keyedProcessor(new Noop()).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("keySelector");
    }
  }

  @Test
  void anInstanceIndexOutsideTheParallelismIsRejected() {
    try (Aloft aloft = Aloft.create(Config.empty())) {
      assertThatThrownBy(() -> aloft.keyedProcessor(new Noop()).instance(2, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("index 2");
    }
  }
}
