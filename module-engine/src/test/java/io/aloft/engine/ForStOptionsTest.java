package io.aloft.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.config.ConfigOption;
import io.aloft.config.MemorySize;
import io.aloft.engine.plugins.Plugins;
import io.aloft.engine.testkit.ConfigTables;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The forst backend's keys: declared once, documented in the README, checked strictly. */
class ForStOptionsTest {

  /** The forst keys and those of the cache policies found, in the README's order. */
  static List<ConfigOption<?>> documented() {
    List<ConfigOption<?>> options = new ArrayList<>(ForStOptions.all());
    Plugins.cachePolicyOptions().values().forEach(options::addAll);
    return options;
  }

  @Test
  void theReadmeTableListsEveryForstKeyWithItsDefault() throws Exception {
    ConfigTables.assertCurrent(
        Path.of("..", "README.md"),
        "<!-- forst-config-table:start (generated from ForStOptions and the cache policies' options()) -->",
        "<!-- forst-config-table:end -->",
        documented(),
        "./mvnw -pl module-api,module-cache,module-executor,module-engine test -Dtest=ForStOptionsTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false");
  }

  @Test
  void allListsEveryDeclaredOptionOnceAndEachKeyIsUnderThePrefix() throws Exception {
    List<ConfigOption<?>> declared = new ArrayList<>();
    for (Field f : ForStOptions.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
        declared.add((ConfigOption<?>) f.get(null));
      }
    }
    assertThat(ForStOptions.all()).containsExactlyInAnyOrderElementsOf(declared);
    assertThat(documented()).allSatisfy(o -> assertThat(o.key()).startsWith(ForStOptions.PREFIX));
    assertThat(documented().stream().map(ConfigOption::key)).doesNotHaveDuplicates();
  }

  @Test
  void everyDefaultParsesBackFromItsText() {
    assertThat(documented())
        .filteredOn(o -> o.defaultValue().isPresent())
        .allSatisfy(
            o -> assertThat(o.parse(o.defaultValueText())).as(o.key()).isEqualTo(o.defaultValue().get()));
  }

  @Test
  void defaultsNamedInTheSpecification() {
    Config none = Config.empty();
    assertThat(none.get(ForStOptions.WRITEBUFFER_SIZE)).isEqualTo(MemorySize.parse("64mb"));
    assertThat(none.get(ForStOptions.EXECUTOR_READ_IO_PARALLELISM)).isEqualTo(3);
    assertThat(none.get(ForStOptions.EXECUTOR_WRITE_IO_PARALLELISM)).isEqualTo(1);
    assertThat(none.get(ForStOptions.EXECUTOR_INLINE_WRITE)).isTrue();
    assertThat(none.get(ForStOptions.EXECUTOR_INLINE_COORDINATOR)).isTrue();
    assertThat(none.get(ForStOptions.CACHE_RESERVE_SIZE)).isEqualTo(MemorySize.parse("256mb"));
    assertThat(none.get(ForStOptions.BLOOM_BITS_PER_KEY)).isEqualTo(10);
    assertThat(none.get(ForStOptions.TARGET_FILE_SIZE_BASE)).isEqualTo(MemorySize.parse("64mb"));
    assertThat(none.get(ForStOptions.MAX_SIZE_LEVEL_BASE)).isEqualTo(MemorySize.parse("256mb"));
    assertThat(Plugins.cachePolicyOptions().get("lru"))
        .extracting(ConfigOption::key, o -> o.defaultValue().get())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("state.backend.forst.cache.lru.access-before-promote", 6),
            org.assertj.core.groups.Tuple.tuple("state.backend.forst.cache.lru.promote-limit", 3));
  }

  @Test
  void aMisspeltForstKeyOrCachePolicyKeyIsRefusedAndAKnownOneAccepted() {
    Plugins.validate(
        Config.empty()
            .with("state.backend.forst.writebuffer.size", "32mb")
            .with("state.backend.forst.cache.lru.promote-limit", "2"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Plugins.validate(Config.empty().with("state.backend.forst.cache.lru.promote-limt", "2")))
        .hasMessageContaining("state.backend.forst.cache.lru.promote-limit");
  }
}
