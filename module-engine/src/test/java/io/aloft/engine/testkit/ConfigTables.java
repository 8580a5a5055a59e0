package io.aloft.engine.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.ConfigOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Key tables in the docs, generated from a plugin's {@code options()}: a provider's test calls
 * {@link #assertCurrent}, which fails when the table between the markers differs from the options, and
 * rewrites it instead when run with {@code -Daloft.docs.update=true}.
 */
public final class ConfigTables {

  private ConfigTables() {}

  /** A Markdown table: key, default, meaning. */
  public static String markdown(List<ConfigOption<?>> options) {
    StringBuilder s = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (ConfigOption<?> option : options) {
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

  /**
   * Checks that the table between the lines {@code start} and {@code end} of {@code doc} is
   * {@link #markdown}{@code (options)}; {@code regenerate} is the command that rewrites it, for the
   * failure message.
   */
  public static void assertCurrent(Path doc, String start, String end, List<ConfigOption<?>> options, String regenerate)
      throws IOException {
    assertTable(doc, start, end, markdown(options), regenerate);
  }

  /**
   * Checks that the text between the lines {@code start} and {@code end} of {@code doc} is {@code
   * expected}, or rewrites it with {@code -Daloft.docs.update=true}; {@code regenerate} is the command
   * that does, for the failure message.
   */
  public static void assertTable(Path doc, String start, String end, String expected, String regenerate)
      throws IOException {
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int from = text.indexOf(start);
    int to = text.indexOf(end);
    assertThat(from).as("%s marker %s", doc, start).isNotNegative();
    assertThat(to).as("%s marker %s", doc, end).isGreaterThan(from);
    String actual = text.substring(from + start.length() + 1, to);
    if (!actual.equals(expected) && Boolean.getBoolean("aloft.docs.update")) {
      Files.writeString(
          doc, text.substring(0, from + start.length() + 1) + expected + text.substring(to), StandardCharsets.UTF_8);
      return;
    }
    assertThat(actual)
        .as("the table of %s is stale: run %s -Daloft.docs.update=true", doc, regenerate)
        .isEqualTo(expected);
  }
}
