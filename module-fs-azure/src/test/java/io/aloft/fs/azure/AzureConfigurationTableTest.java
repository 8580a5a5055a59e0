package io.aloft.fs.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.ConfigOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The key table in {@code docs/storage-azure.md} is generated from the provider's {@code options()}:
 * this test fails when they differ, and rewrites the table when run with {@code
 * -Daloft.docs.update=true}.
 */
class AzureConfigurationTableTest {
  private static final String START =
      "<!-- azure-config-table:start (generated from AzureBlobFileSystemProvider.options()) -->";
  private static final String END = "<!-- azure-config-table:end -->";
  private static final Path DOC = Path.of("..", "docs", "storage-azure.md");

  static String table() {
    StringBuilder s = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (ConfigOption<?> option : new AzureBlobFileSystemProvider().options()) {
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
  void theDocumentedKeyTableListsEveryOptionWithItsDefault() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int start = doc.indexOf(START);
    int end = doc.indexOf(END);
    assertThat(start).as("%s marker %s", DOC, START).isNotNegative();
    assertThat(end).as("%s marker %s", DOC, END).isGreaterThan(start);
    String expected = table();
    String actual = doc.substring(start + START.length() + 1, end);
    if (!actual.equals(expected) && Boolean.getBoolean("aloft.docs.update")) {
      Files.writeString(
          DOC,
          doc.substring(0, start + START.length() + 1) + expected + doc.substring(end),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(actual)
        .as("the key table of %s is stale: run ./mvnw -pl module-fs-azure test"
            + " -Dtest=AzureConfigurationTableTest -Daloft.docs.update=true", DOC)
        .isEqualTo(expected);
  }
}
