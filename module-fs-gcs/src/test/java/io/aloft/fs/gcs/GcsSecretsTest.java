package io.aloft.fs.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's error paths with a marker in a credentials file: no message repeats it. */
class GcsSecretsTest {
  static final String MARKER = "marker-private-key-31415";

  @TempDir Path dir;

  private final GcsFileSystemProvider provider = new GcsFileSystemProvider();

  static String everything(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @Test
  void aMalformedCredentialsFileIsRefusedWithoutQuotingIt() throws Exception {
    Path file = dir.resolve("key.json");
    Files.writeString(file, "{\"type\": \"service_account\", \"private_key\": \"" + MARKER + "\", oops");
    Config config = Config.of(Map.of("gcs.endpoint", "http://127.0.0.1:9", "gcs.credentials-file", file.toString()));
    assertThat(config.toString()).doesNotContain(file.toString());
    assertThatThrownBy(() -> provider.create("gs", config).close())
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(everything(e)).doesNotContain(MARKER));
  }

  @Test
  void plainHttpToAnotherHostWithCredentialsNeedsTheExplicitKey() {
    Config config =
        Config.of(Map.of("gcs.endpoint", "http://storage.example.com", "gcs.credentials-file", "/nonexistent.json"));
    assertThatThrownBy(() -> provider.create("gs", config).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gcs.allow-insecure-http");
  }

  @Test
  void anEndpointWithUserInfoIsRefusedWithoutRepeatingIt() {
    Config config = Config.of(Map.of("gcs.endpoint", "http://u:" + MARKER + "@127.0.0.1:9", "gcs.no-auth", "true"));
    assertThatThrownBy(() -> provider.create("gs", config).close())
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(everything(e)).doesNotContain(MARKER));
  }
}
