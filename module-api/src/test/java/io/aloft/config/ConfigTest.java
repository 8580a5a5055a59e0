package io.aloft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  /**
   * Keys of the shape the engine's forst backend declares (its options live in the engine, which this
   * module cannot see): what the parsing and validation below are tried on.
   */
  private static final String FORST = "state.backend.forst.";

  private static final ConfigOption<MemorySize> WRITEBUFFER_SIZE =
      ConfigOption.memory(FORST + "writebuffer.size", MemorySize.ofMebiBytes(64), "Memtable size.");
  private static final ConfigOption<Integer> WRITEBUFFER_COUNT =
      ConfigOption.integer(FORST + "writebuffer.count", 2, 2, "Memtables held.");
  private static final ConfigOption<Boolean> USE_BLOOM_FILTER =
      ConfigOption.bool(FORST + "use-bloom-filter", true, "Bloom filters.");
  private static final ConfigOption<String> COMPRESSION_PER_LEVEL =
      ConfigOption.string(FORST + "compression.per.level", "lz4", "Compression per level.");
  private static final ConfigOption<Integer> EXECUTOR_READ_IO_PARALLELISM =
      ConfigOption.integer(FORST + "executor.read-io-parallelism", 3, 1, "Read threads.");
  private static final ConfigOption<Boolean> EXECUTOR_INLINE_WRITE =
      ConfigOption.bool(FORST + "executor.inline-write", true, "Inline writes.");
  private static final List<ConfigOption<?>> FORST_OPTIONS =
      List.of(
          WRITEBUFFER_SIZE,
          WRITEBUFFER_COUNT,
          USE_BLOOM_FILTER,
          COMPRESSION_PER_LEVEL,
          EXECUTOR_READ_IO_PARALLELISM,
          EXECUTOR_INLINE_WRITE);

  // --- loading YAML -------------------------------------------------------------------------------

  @Test
  void flatKeysAreReadAsDottedKeys() {
    Config config =
        Config.fromYaml(
            "state.backend.type: forst\n"
                + "state.backend.forst.writebuffer.size: 32mb\n",
            "config.yaml");

    assertThat(config.get(AloftOptions.STATE_BACKEND_TYPE)).isEqualTo("forst");
    assertThat(config.get(WRITEBUFFER_SIZE)).isEqualTo(MemorySize.ofMebiBytes(32));
  }

  @Test
  void nestedMapsAreFlattenedIntoDottedKeys() {
    Config config =
        Config.fromYaml(
            "state:\n"
                + "  backend:\n"
                + "    type: forst\n"
                + "    forst:\n"
                + "      writebuffer:\n"
                + "        size: 32mb\n",
            "config.yaml");

    assertThat(config.asMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "state.backend.type", "forst",
                "state.backend.forst.writebuffer.size", "32mb"));
  }

  @Test
  void flatAndNestedKeysMayBeMixedInOneFile() {
    Config config =
        Config.fromYaml(
            "state.backend.type: forst\n"
                + "state:\n"
                + "  backend.forst:\n"
                + "    writebuffer.size: 32mb\n"
                + "    executor:\n"
                + "      read-io-parallelism: 8\n",
            "config.yaml");

    assertThat(config.get(AloftOptions.STATE_BACKEND_TYPE)).isEqualTo("forst");
    assertThat(config.get(WRITEBUFFER_SIZE)).isEqualTo(MemorySize.ofMebiBytes(32));
    assertThat(config.get(EXECUTOR_READ_IO_PARALLELISM)).isEqualTo(8);
  }

  @Test
  void yamlScalarsOfAnyTypeAreKeptAsTextAndParsedByTheOption() {
    Config config =
        Config.fromYaml(
            FORST + "executor.inline-write: false\n"
                + FORST + "writebuffer.count: 4\n"
                + "execution.async-state.active-buffer-timeout: 250\n",
            "config.yaml");

    assertThat(config.getString(FORST + "executor.inline-write")).contains("false");
    assertThat(config.get(EXECUTOR_INLINE_WRITE)).isFalse();
    assertThat(config.get(WRITEBUFFER_COUNT)).isEqualTo(4);
    assertThat(config.get(AloftOptions.ASYNC_ACTIVE_BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aYamlListIsJoinedWithCommas() {
    Config config = Config.fromYaml(FORST + "compression.per.level: [none, lz4, zstd]\n", "config.yaml");

    assertThat(config.get(COMPRESSION_PER_LEVEL)).isEqualTo("none,lz4,zstd");
  }

  @Test
  void anEmptyDocumentIsTheEmptyConfiguration() {
    assertThat(Config.fromYaml("", "config.yaml")).isEqualTo(Config.empty());
    assertThat(Config.fromYaml("# only a comment\n", "config.yaml").asMap()).isEmpty();
  }

  @Test
  void theSameKeyDefinedFlatAndNestedIsRejectedNamingTheKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                Config.fromYaml(
                    "state.backend.type: forst\n"
                        + "state:\n"
                        + "  backend:\n"
                        + "    type: hashmap\n",
                    "config.yaml"));

    assertThat(e.key()).contains("state.backend.type");
    assertThat(e).hasMessageContaining("state.backend.type").hasMessageContaining("config.yaml");
  }

  @Test
  void theSameKeyDefinedNestedThenFlatIsRejectedNamingTheKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                Config.fromYaml(
                    "state:\n"
                        + "  backend:\n"
                        + "    type: hashmap\n"
                        + "state.backend.type: forst\n",
                    "config.yaml"));

    assertThat(e.key()).contains("state.backend.type");
    assertThat(e).hasMessageContaining("state.backend.type");
  }

  @Test
  void aKeyRepeatedInOneMapIsRejectedNamingTheKey() {
    assertThatThrownBy(
            () -> Config.fromYaml("state.backend.type: forst\nstate.backend.type: hashmap\n", "c.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("state.backend.type")
        .hasMessageContaining("c.yaml");
  }

  @Test
  void malformedYamlIsRejectedNamingTheSourceAndTheLine() {
    assertThatThrownBy(
            () ->
                Config.fromYaml(
                    "state.backend.type: forst\n"
                        + "pipeline.max-parallelism: 128\n"
                        + "  bad: indentation\n",
                    "/etc/aloft/config.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("/etc/aloft/config.yaml")
        .hasMessageContaining("line 3");
  }

  @Test
  void aTopLevelSequenceIsRejectedNamingTheSource() {
    assertThatThrownBy(() -> Config.fromYaml("- state.backend.type\n- forst\n", "config.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config.yaml")
        .hasMessageContaining("top level must be a map");
  }

  @Test
  void aTopLevelScalarIsRejectedNamingTheSource() {
    assertThatThrownBy(() -> Config.fromYaml("forst", "config.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config.yaml")
        .hasMessageContaining("top level must be a map");
  }

  @Test
  void aKeyWithNoValueIsRejectedNamingTheKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> Config.fromYaml("state.backend.type:\n", "config.yaml"));

    assertThat(e.key()).contains("state.backend.type");
    assertThat(e).hasMessageContaining("state.backend.type").hasMessageContaining("no value");
  }

  @Test
  void aNestedKeyWithNoValueIsRejectedNamingTheWholeKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> Config.fromYaml("state:\n  backend:\n    type:\n", "config.yaml"));

    assertThat(e.key()).contains("state.backend.type");
    assertThat(e).hasMessageContaining("state.backend.type");
  }

  @Test
  void aFileIsLoadedFromItsPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "state.backend.type: forst\n", StandardCharsets.UTF_8);

    assertThat(Config.fromYaml(file).get(AloftOptions.STATE_BACKEND_TYPE)).isEqualTo("forst");
  }

  @Test
  void malformedYamlInAFileIsRejectedNamingThePath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "a: [1, 2\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Config.fromYaml(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void aMissingFileIsRejectedNamingThePath(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-config.yaml");

    assertThatThrownBy(() -> Config.fromYaml(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString())
        .hasCauseInstanceOf(NoSuchFileException.class);
  }

  // --- building and reading -----------------------------------------------------------------------

  @Test
  void ofConvertsValuesToText() {
    Config config = Config.of(Map.of(FORST + "writebuffer.count", 3, FORST + "use-bloom-filter", false));

    assertThat(config.getString(FORST + "writebuffer.count")).contains("3");
    assertThat(config.get(USE_BLOOM_FILTER)).isFalse();
  }

  @Test
  void withReturnsACopyWithTheKeySetAndLeavesTheOriginalUnchanged() {
    Config original = Config.of(Map.of("state.backend.type", "hashmap"));

    Config changed = original.with("state.backend.type", "forst");

    assertThat(changed.get(AloftOptions.STATE_BACKEND_TYPE)).isEqualTo("forst");
    assertThat(original.get(AloftOptions.STATE_BACKEND_TYPE)).isEqualTo("hashmap");
  }

  @Test
  void withAnOptionWritesTheValueInItsConfigurationForm() {
    Config config =
        Config.empty()
            .with(WRITEBUFFER_SIZE, MemorySize.ofMebiBytes(32))
            .with(AloftOptions.ASYNC_ACTIVE_BUFFER_TIMEOUT, Duration.ofSeconds(5));

    assertThat(config.getString(FORST + "writebuffer.size")).contains("32mb");
    assertThat(config.get(WRITEBUFFER_SIZE)).isEqualTo(MemorySize.ofMebiBytes(32));
    assertThat(config.get(AloftOptions.ASYNC_ACTIVE_BUFFER_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void withANullValueIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> Config.empty().with("state.backend.type", null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("state.backend.type");
  }

  @Test
  void withAllOverridesReplaceExistingEntriesAndKeepTheOthers() {
    Config base = Config.of(Map.of("a", "1", "b", "2"));
    Config overrides = Config.of(Map.of("b", "20", "c", "30"));

    assertThat(base.withAll(overrides).asMap())
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "20"), Map.entry("c", "30"));
  }

  @Test
  void withPrefixReturnsTheMatchingEntriesWithWholeKeysSortedByKey() {
    Config config =
        Config.of(
            Map.of(
                "s3.region", "eu-west-1",
                "s3.endpoint", "http://localhost:9000",
                "state.backend.type", "forst",
                "s3x", "not under the prefix"));

    assertThat(config.withPrefix("s3."))
        .containsExactly(
            Map.entry("s3.endpoint", "http://localhost:9000"), Map.entry("s3.region", "eu-west-1"));
  }

  @Test
  void getOptionalReturnsTheSetValue() {
    Config config = Config.of(Map.of(AloftOptions.CHECKPOINTING_DIR.key(), "s3://bucket/ckp"));

    assertThat(config.getOptional(AloftOptions.CHECKPOINTING_DIR)).contains("s3://bucket/ckp");
  }

  @Test
  void getOptionalReturnsTheDefaultWhenUnset() {
    assertThat(Config.empty().getOptional(AloftOptions.MAX_PARALLELISM)).contains(128);
  }

  @Test
  void getOptionalIsEmptyWhenUnsetAndWithoutDefault() {
    assertThat(Config.empty().getOptional(AloftOptions.CHECKPOINTING_DIR)).isEmpty();
  }

  @Test
  void getOfARequiredOptionThatIsNotSetIsRejectedNamingTheKey() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> Config.empty().get(AloftOptions.CHECKPOINTING_DIR));

    assertThat(e.key()).contains("execution.checkpointing.dir");
    assertThat(e).hasMessageContaining("execution.checkpointing.dir");
  }

  @Test
  void getOfAMalformedValueIsRejectedNamingTheKeyAndTheValue() {
    Config config = Config.of(Map.of("pipeline.max-parallelism", "many"));

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> config.get(AloftOptions.MAX_PARALLELISM));

    assertThat(e.key()).contains("pipeline.max-parallelism");
    assertThat(e).hasMessageContaining("pipeline.max-parallelism").hasMessageContaining("many");
  }

  @Test
  void containsTellsWhetherAKeyIsSetExplicitly() {
    Config config = Config.of(Map.of("state.backend.type", "forst"));

    assertThat(config.contains("state.backend.type")).isTrue();
    assertThat(config.contains("pipeline.max-parallelism")).isFalse();
  }

  // --- validation ---------------------------------------------------------------------------------

  @Test
  void validateAcceptsKnownKeysWithWellFormedValues() {
    Config config =
        Config.fromYaml(
            FORST + "writebuffer.size: 128mb\n" + FORST + "executor.inline-write: false\n", "config.yaml");

    config.validate(FORST, FORST_OPTIONS);
  }

  @Test
  void validateRejectsAnUnknownKeyNamingItAndSuggestingTheClosestKnownKey() {
    Config config = Config.fromYaml(FORST + "writebuffer.sise: 64mb\n", "config.yaml");

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> config.validate(FORST, FORST_OPTIONS));

    assertThat(e.key()).contains("state.backend.forst.writebuffer.sise");
    assertThat(e)
        .hasMessageContaining("'state.backend.forst.writebuffer.sise'")
        .hasMessageContaining("did you mean 'state.backend.forst.writebuffer.size'");
  }

  @Test
  void validateRejectsAnUnknownKeyFarFromEveryKnownKeyWithoutASuggestion() {
    Config config = Config.of(Map.of(FORST + "something-else-entirely-xyz", "1"));

    assertThatThrownBy(() -> config.validate(FORST, FORST_OPTIONS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(FORST + "something-else-entirely-xyz")
        .hasMessageNotContaining("did you mean");
  }

  @Test
  void validateIgnoresUnknownKeysOutsideThePrefix() {
    Config config = Config.of(Map.of("s3.endpoint", "http://localhost:9000"));

    config.validate(FORST, FORST_OPTIONS);
  }

  @Test
  void validateRejectsAMalformedValueOfAKnownKeyNamingTheKey() {
    Config config = Config.of(Map.of(FORST + "executor.read-io-parallelism", "lots"));

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> config.validate(FORST, FORST_OPTIONS));

    assertThat(e.key()).contains("state.backend.forst.executor.read-io-parallelism");
    assertThat(e).hasMessageContaining("state.backend.forst.executor.read-io-parallelism");
  }
}
