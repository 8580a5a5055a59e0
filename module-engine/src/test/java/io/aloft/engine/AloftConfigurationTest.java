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
  void aMisspeltKeyInAloftsNamespacesFailsWithTheClosestKey() throws Exception {
    for (String[] c :
        new String[][] {
          {"state.backend.typ: forst\n", "state.backend.typ", "state.backend.type"},
          {"execution.async-state.total-bufer-size: 10\n", "execution.async-state.total-bufer-size",
              "execution.async-state.total-buffer-size"},
          {"execution.checkpointing.num-retaind: 2\n", "execution.checkpointing.num-retaind",
              "execution.checkpointing.num-retained"},
          {"pipeline.max-paralelism: 64\n", "pipeline.max-paralelism", "pipeline.max-parallelism"}
        }) {
      Path file = yaml(c[0]);
      assertThatThrownBy(() -> Aloft.fromYaml(file))
          .as(c[1])
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("'" + c[1] + "'")
          .hasMessageContaining("did you mean '" + c[2] + "'");
    }
  }

  @Test
  void flinksOwnKeysThatAloftDoesNotUseAreIgnoredWithOneWarning() throws Exception {
    java.util.List<java.util.logging.LogRecord> records;
    try (io.aloft.engine.testkit.LogRecords log = new io.aloft.engine.testkit.LogRecords()) {
      Path file =
          yaml(
              "state.backend.type: hashmap\nexecution.checkpointing.mode: EXACTLY_ONCE\n"
                  + "state.backend.rocksdb.block.cache-size: 64mb\npipeline.object-reuse: true\n");
      try (Aloft aloft = Aloft.fromYaml(file)) {
        assertThat(aloft).isNotNull();
      }
      records = log.all();
    }
    assertThat(records)
        .filteredOn(r -> r.getMessage().contains("Flink configuration keys"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getMessage())
                    .contains("execution.checkpointing.mode")
                    .contains("state.backend.rocksdb.block.cache-size")
                    .contains("pipeline.object-reuse"));
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
