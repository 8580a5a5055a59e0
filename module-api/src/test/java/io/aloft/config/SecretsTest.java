package io.aloft.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.spi.fs.Endpoints;
import io.aloft.spi.fs.Location;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Secrets in configuration, locations and endpoints never reach a message or a {@code toString()}. */
class SecretsTest {
  static final String MARKER = "S3CR3T-MARKER-7f3a";

  /** Everything a user could see of a throwable: messages, causes, suppressed, stack trace text. */
  static String everything(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @Test
  void sensitiveKeysAreRecognised() {
    for (String key :
        new String[] {
          "s3.secret-key", "s3.access-key", "azure.account-key", "azure.sas-token", "azure.connection-string",
          "gcs.credentials-file", "my.password", "api.token", "fs.s3a.secret.key", "x.key", "service.api-key"
        }) {
      assertThat(Config.isSensitive(key)).as(key).isTrue();
    }
    for (String key :
        new String[] {"s3.endpoint", "state.backend.type", "pipeline.max-parallelism", "s3.region", "gcs.no-auth"}) {
      assertThat(Config.isSensitive(key)).as(key).isFalse();
    }
  }

  @Test
  void toStringRedactsSensitiveValuesAndShowsTheRest() {
    Config config =
        Config.empty()
            .with("s3.secret-key", MARKER)
            .with("azure.connection-string", "AccountKey=" + MARKER)
            .with("s3.endpoint", "http://127.0.0.1:9000");
    assertThat(config.toString())
        .doesNotContain(MARKER)
        .contains("s3.secret-key=" + Config.REDACTED)
        .contains("s3.endpoint=http://127.0.0.1:9000");
  }

  @Test
  void yamlErrorsGiveLineAndColumnButNoSnippet() {
    String yaml = "s3.endpoint: http://127.0.0.1:9000\ns3.secret-key: \"" + MARKER + "\n  : [\n";
    assertThatThrownBy(() -> Config.fromYaml(yaml, "config.yaml"))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(everything(e)).doesNotContain(MARKER))
        .hasMessageContaining("config.yaml")
        .hasMessageContaining("line ");
  }

  @Test
  void anInvalidValueOfASensitiveKeyIsNotQuoted() {
    ConfigOption<Integer> option = ConfigOption.integer("x.token", 1, 0, 10, "a test option");
    assertThatThrownBy(() -> option.parse(MARKER))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("x.token")
        .satisfies(e -> assertThat(everything(e)).doesNotContain(MARKER));
  }

  @Test
  void locationsWithUserInfoAreRefusedWithoutRepeatingIt() {
    for (String text :
        new String[] {
          "s3://AKIA" + MARKER + ":" + MARKER + "@bucket/state",
          "s3://" + MARKER + "@bucket/state",
          "hdfs://" + MARKER + "@namenode:8020/state",
          "abfs://" + MARKER + ":" + MARKER + "@account.dfs.core.windows.net/state",
          MARKER + ":" + MARKER + "@bucket/state"
        }) {
      assertThatThrownBy(() -> Location.of(text))
          .as(text)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(everything(e)).doesNotContain(MARKER));
    }
    assertThat(Location.of("abfs://container@account.dfs.core.windows.net/state").authority())
        .isEqualTo("container@account.dfs.core.windows.net");
  }

  @Test
  void locationsRefuseNulAndControlCharacters() {
    for (String text : new String[] {"s3://bucket/a\u0000b", "/tmp/a\nb", "s3://buck\tet/x", "file:///tmp/\u007f"}) {
      assertThatThrownBy(() -> Location.of(text))
          .as(text.replace("\u0000", "\\0"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("control characters");
    }
  }

  @Test
  void endpointsWithUserInfoAreRefusedWithoutRepeatingIt() {
    assertThatThrownBy(
            () -> Endpoints.parse("s3.endpoint", "http://user:" + MARKER + "@127.0.0.1:9000", true, "s3.allow-insecure-http", false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("s3.endpoint")
        .hasMessageContaining("user info")
        .satisfies(e -> assertThat(everything(e)).doesNotContain(MARKER));
  }

  @Test
  void plainHttpWithCredentialsGoesOnlyToLoopbackUnlessAllowed() {
    assertThatThrownBy(() -> Endpoints.parse("s3.endpoint", "http://storage.example.com", true, "s3.allow-insecure-http", false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("s3.allow-insecure-http");
    assertThat(Endpoints.parse("s3.endpoint", "http://storage.example.com", true, "s3.allow-insecure-http", true))
        .hasHost("storage.example.com");
    assertThat(Endpoints.parse("s3.endpoint", "http://storage.example.com", false, "s3.allow-insecure-http", false))
        .hasHost("storage.example.com");
    for (String loopback : new String[] {"http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000"}) {
      assertThat(Endpoints.parse("s3.endpoint", loopback, true, "s3.allow-insecure-http", false)).as(loopback).isNotNull();
    }
    assertThat(Endpoints.parse("s3.endpoint", "https://storage.example.com", true, "s3.allow-insecure-http", false))
        .hasScheme("https");
  }
}
