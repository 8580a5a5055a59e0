package io.aloft.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider's error paths with marker credentials: no message or toString() repeats them. */
class S3SecretsTest {
  static final String ACCESS = "AKIAMARKERACCESS42";
  static final String SECRET = "marker-secret-9d8c7b";

  private final S3FileSystemProvider provider = new S3FileSystemProvider();

  static String everything(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  static void noMarker(String text) {
    assertThat(text).doesNotContain(ACCESS).doesNotContain(SECRET);
  }

  private static Config config(String endpoint) {
    return Config.of(
        Map.of(
            "s3.endpoint", endpoint,
            "s3.access-key", ACCESS,
            "s3.secret-key", SECRET,
            "s3.max-retries", "0",
            "s3.connection-timeout", "1 s",
            "s3.request-timeout", "2 s"));
  }

  @Test
  void anUnreachableStoreNamesTheEndpointButNoCredential() throws Exception {
    Config config = config("http://127.0.0.1:9");
    noMarker(config.toString());
    try (StateFileSystem fs = provider.create("s3", config)) {
      noMarker(fs.toString());
      assertThatThrownBy(() -> fs.newInputFile(Location.of("s3://bucket/state/x.sst")).length())
          .satisfies(e -> noMarker(everything(e)))
          .hasMessageContaining("127.0.0.1:9");
    }
  }

  @Test
  void configurationErrorsDoNotRepeatCredentials() {
    for (Config config :
        new Config[] {
          Config.of(Map.of("s3.endpoint", "http://127.0.0.1:9", "s3.secret-key", SECRET)),
          Config.of(Map.of("s3.endpoint", "http://127.0.0.1:9", "s3.access-key", ACCESS)),
          config("http://" + ACCESS + ":" + SECRET + "@127.0.0.1:9000"),
          config("http://storage.example.com:9000"),
          config("127.0.0.1:9000"),
          config("http://127.0.0.1:9").with("s3.upload.part-size", "1kb")
        }) {
      assertThatThrownBy(() -> provider.create("s3", config).close())
          .isInstanceOf(ConfigException.class)
          .satisfies(e -> noMarker(everything(e)));
    }
  }

  @Test
  void plainHttpToAnotherHostNeedsTheExplicitKey() throws Exception {
    assertThatThrownBy(() -> provider.create("s3", config("http://storage.example.com:9000")).close())
        .hasMessageContaining("s3.allow-insecure-http");
    provider.create("s3", config("http://storage.example.com:9000").with("s3.allow-insecure-http", "true")).close();
  }

  @Test
  void aLocationWithCredentialsIsRefusedWithoutRepeatingThem() {
    assertThatThrownBy(() -> Location.of("s3://" + ACCESS + ":" + SECRET + "@bucket/state"))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> noMarker(everything(e)));
  }
}
