package io.aloft.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The configuration table in the README is generated from {@link AloftOptions}: this test fails when
 * they differ, and rewrites the README's table when run with {@code -Daloft.docs.update=true}.
 */
class ConfigurationTableTest {
  private static final String START = "<!-- config-table:start (generated from AloftOptions) -->";
  private static final String END = "<!-- config-table:end -->";
  private static final Path README = Path.of("..", "README.md");

  static String table() {
    StringBuilder s = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (ConfigOption<?> option : AloftOptions.all()) {
      s.append("| `")
          .append(option.key())
          .append("` | ")
          .append(option.defaultValue().isPresent() ? "`" + option.defaultValueText() + "`" : "(none)")
          .append(" | ")
          .append(option.description().replace("|", "\\|"))
          .append(" |\n");
    }
    return s.toString();
  }

  @Test
  void theReadmeTableListsEveryOptionWithItsDefault() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertThat(start).as("README marker %s", START).isNotNegative();
    assertThat(end).as("README marker %s", END).isGreaterThan(start);
    String expected = table();
    String actual = readme.substring(start + START.length() + 1, end);
    if (!actual.equals(expected) && Boolean.getBoolean("aloft.docs.update")) {
      Files.writeString(
          README,
          readme.substring(0, start + START.length() + 1) + expected + readme.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(actual)
        .as("the README's configuration table is stale: run ./mvnw -pl module-api test"
            + " -Dtest=ConfigurationTableTest -Daloft.docs.update=true")
        .isEqualTo(expected);
  }
}
