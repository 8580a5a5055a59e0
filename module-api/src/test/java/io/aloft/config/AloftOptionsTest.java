package io.aloft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AloftOptionsTest {

  /** Every public static ConfigOption field of AloftOptions, by reflection. */
  private static List<ConfigOption<?>> declaredOptions() throws IllegalAccessException {
    List<ConfigOption<?>> options = new ArrayList<>();
    for (Field f : AloftOptions.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
        options.add((ConfigOption<?>) f.get(null));
      }
    }
    return options;
  }

  @Test
  void everyKeyIsUnique() {
    List<String> keys = AloftOptions.all().stream().map(ConfigOption::key).collect(Collectors.toList());

    assertThat(keys).doesNotHaveDuplicates();
  }

  @Test
  void allListsEveryDeclaredOptionOnce() throws Exception {
    assertThat(AloftOptions.all()).containsExactlyInAnyOrderElementsOf(declaredOptions());
  }

  @Test
  void everyOptionHasADescriptionAndAnExpectedForm() {
    assertThat(AloftOptions.all())
        .allSatisfy(
            o -> {
              assertThat(o.description()).as(o.key()).isNotBlank();
              assertThat(o.expectedForm()).as(o.key()).isNotBlank();
            });
  }

  @Test
  void everyDefaultParsesBackFromItsText() {
    assertThat(AloftOptions.all())
        .filteredOn(o -> o.defaultValue().isPresent())
        .allSatisfy(
            o -> assertThat(o.parse(o.defaultValueText())).as(o.key()).isEqualTo(o.defaultValue().get()));
  }

  @Test
  void theEmptyConfigurationPassesValidation() {
    Config.empty().validate("state.backend.", AloftOptions.all());
  }

  @Test
  void noOptionHereIsAForstBackendKey() {
    assertThat(AloftOptions.all()).noneMatch(o -> o.key().startsWith("state.backend.forst."));
  }

  static Stream<Arguments> defaultsNamedInTheSpecification() {
    return Stream.of(
        arguments(AloftOptions.ASYNC_ACTIVE_BUFFER_SIZE, 1000),
        arguments(AloftOptions.ASYNC_ACTIVE_BUFFER_TIMEOUT, Duration.ofMillis(1000)),
        arguments(AloftOptions.ASYNC_TOTAL_BUFFER_SIZE, 6000),
        arguments(AloftOptions.MAX_PARALLELISM, 128),
        arguments(AloftOptions.STATE_BACKEND_TYPE, "hashmap"));
  }

  @ParameterizedTest(name = "{0} defaults to {1}")
  @MethodSource
  void defaultsNamedInTheSpecification(ConfigOption<?> option, Object expected) {
    assertThat((Object) Config.empty().get(option)).isEqualTo(expected);
  }

  @Test
  void maxParallelismIsBoundedBy32768() {
    assertThat(AloftOptions.MAX_PARALLELISM.parse("32768")).isEqualTo(32768);
    assertThat(AloftOptions.MAX_PARALLELISM.expectedForm()).contains("1 to 32768");
  }
}
