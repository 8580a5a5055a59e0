package io.aloft.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider's schemes and configuration keys; nothing here reaches a store. */
class S3FileSystemProviderTest {

  private static final Config ENDPOINT =
      Config.of(
          Map.of(
              "s3.endpoint", "http://127.0.0.1:9",
              "s3.access-key", "a",
              "s3.secret-key", "b"));

  private final S3FileSystemProvider provider = new S3FileSystemProvider();

  @Test
  void servesS3AndS3a() {
    assertThat(provider.schemes()).containsExactlyInAnyOrder("s3", "s3a");
  }

  @Test
  void declaresEveryKeyItReads() {
    assertThat(provider.options())
        .extracting(ConfigOption::key)
        .containsExactly(
            "s3.endpoint",
            "s3.allow-insecure-http",
            "s3.path-style-access",
            "s3.region",
            "s3.access-key",
            "s3.secret-key",
            "s3.max-connections",
            "s3.connection-timeout",
            "s3.request-timeout",
            "s3.max-retries",
            "s3.upload.part-size");
    assertThat(provider.options()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
  }

  @Test
  void createsWithoutContactingTheStore() throws Exception {
    // Port 9 (discard) on loopback: nothing listens, and nothing is sent until the first access.
    provider.create("s3", ENDPOINT).close();
  }

  @Test
  void accessKeyWithoutSecretKeyNamesTheMissingKey() {
    Config config = Config.of(Map.of("s3.endpoint", "http://127.0.0.1:9", "s3.access-key", "a"));

    assertThatThrownBy(() -> provider.create("s3", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("s3.secret-key")
        .hasMessageContaining("s3.access-key");
  }

  @Test
  void endpointWithoutHttpSchemeIsRejectedNamingTheKey() {
    Config config = ENDPOINT.with("s3.endpoint", "127.0.0.1:9000");

    assertThatThrownBy(() -> provider.create("s3", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("s3.endpoint")
        .hasMessageContaining("127.0.0.1:9000");
  }

  @Test
  void partSizeBelowS3MinimumIsRejectedNamingTheKey() {
    Config config = ENDPOINT.with("s3.upload.part-size", "1mb");

    assertThatThrownBy(() -> provider.create("s3", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("s3.upload.part-size")
        .hasMessageContaining("5mb");
  }

  @Test
  void misspelledKeyIsRejectedWithTheClosestKnownKey() {
    Config config = ENDPOINT.with("s3.path-style-acess", "true");

    assertThatThrownBy(() -> provider.create("s3", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("s3.path-style-acess")
        .hasMessageContaining("s3.path-style-access");
  }

  @Test
  void malformedValueIsRejectedNamingTheKey() {
    Config config = ENDPOINT.with("s3.max-retries", "-1");

    assertThatThrownBy(() -> provider.create("s3", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("s3.max-retries");
  }

  @Test
  void otherSchemesAreRefused() {
    assertThatThrownBy(() -> provider.create("gs", ENDPOINT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gs");
  }
}
