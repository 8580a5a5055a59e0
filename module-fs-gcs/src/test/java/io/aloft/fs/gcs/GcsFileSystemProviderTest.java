package io.aloft.fs.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's scheme, configuration keys and credentials. */
class GcsFileSystemProviderTest {

  private static final Config NO_AUTH =
      Config.of(Map.of("gcs.endpoint", "http://127.0.0.1:9", "gcs.no-auth", "true"));

  private final GcsFileSystemProvider provider = new GcsFileSystemProvider();

  @Test
  void servesGs() {
    assertThat(provider.schemes()).containsExactly("gs");
  }

  @Test
  void declaresEveryKeyItReads() {
    assertThat(provider.options())
        .extracting(ConfigOption::key)
        .containsExactly(
            "gcs.endpoint",
            "gcs.allow-insecure-http",
            "gcs.project-id",
            "gcs.credentials-file",
            "gcs.no-auth",
            "gcs.connection-timeout",
            "gcs.request-timeout",
            "gcs.max-retries",
            "gcs.upload.chunk-size");
    assertThat(provider.options()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
  }

  @Test
  void createsWithoutContactingTheStore() throws Exception {
    // Port 9 (discard) on loopback: nothing listens, and nothing is sent until the first access.
    provider.create("gs", NO_AUTH).close();
  }

  @Test
  void endpointWithoutHttpSchemeIsRejectedNamingTheKey() {
    Config config = NO_AUTH.with("gcs.endpoint", "127.0.0.1:4443");

    assertThatThrownBy(() -> provider.create("gs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gcs.endpoint")
        .hasMessageContaining("127.0.0.1:4443");
  }

  @Test
  void chunkSizeThatIsNoMultipleOf256kbIsRejectedNamingTheKey() {
    Config config = NO_AUTH.with("gcs.upload.chunk-size", "300kb");

    assertThatThrownBy(() -> provider.create("gs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gcs.upload.chunk-size")
        .hasMessageContaining("256kb");
  }

  @Test
  void noAuthTogetherWithACredentialsFileIsRejectedNamingBothKeys() {
    Config config = NO_AUTH.with("gcs.credentials-file", "/tmp/key.json");

    assertThatThrownBy(() -> provider.create("gs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gcs.no-auth")
        .hasMessageContaining("gcs.credentials-file");
  }

  @Test
  void missingCredentialsFileIsRejectedNamingTheKeyAndThePath(@TempDir Path dir) {
    Path missing = dir.resolve("missing.json");
    Config config = Config.of(Map.of("gcs.endpoint", "http://127.0.0.1:9", "gcs.credentials-file", missing.toString()));

    assertThatThrownBy(() -> provider.create("gs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gcs.credentials-file")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void credentialsFileThatIsNoServiceAccountKeyIsRejectedNamingTheKey(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("key.json"), "{\"type\": \"authorized_user\"}");
    Config config = Config.of(Map.of("gcs.endpoint", "http://127.0.0.1:9", "gcs.credentials-file", file.toString()));

    assertThatThrownBy(() -> provider.create("gs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gcs.credentials-file")
        .hasMessageContaining(file.toString());
  }

  @Test
  void misspelledKeyIsRejectedWithTheClosestKnownKey() {
    Config config = NO_AUTH.with("gcs.projectid", "p");

    assertThatThrownBy(() -> provider.create("gs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gcs.projectid")
        .hasMessageContaining("gcs.project-id");
  }

  @Test
  void malformedValueIsRejectedNamingTheKey() {
    Config config = NO_AUTH.with("gcs.max-retries", "-1");

    assertThatThrownBy(() -> provider.create("gs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gcs.max-retries");
  }

  @Test
  void otherSchemesAreRefused() {
    assertThatThrownBy(() -> provider.create("s3", NO_AUTH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3");
  }

  @Test
  void serviceAccountKeyFileBuysATokenThatEveryRequestCarries(@TempDir Path dir) throws Exception {
    try (FakeGcs store = new FakeGcs()) {
      store.requireToken();
      Path key = serviceAccountKey(dir, store.endpoint() + "/token");
      Config config =
          store.config().withAll(Config.of(Map.of("gcs.no-auth", "false", "gcs.credentials-file", key.toString())));
      Location file = Location.of("gs://bucket/authorised");

      try (StateFileSystem fs = provider.create("gs", config)) {
        FileOutput out = fs.newOutputFile(file).createExclusive();
        out.write("hello".getBytes(StandardCharsets.UTF_8));
        out.close();
        byte[] back = new byte[5];
        try (FileInput in = fs.newInputFile(file).newInput()) {
          in.readFully(0, back, 0, 5);
        }
        assertThat(new String(back, StandardCharsets.UTF_8)).isEqualTo("hello");
      }
      try (StateFileSystem anonymous = provider.create("gs", store.config())) {
        assertThatThrownBy(() -> anonymous.newInputFile(file).length())
            .isInstanceOf(AccessDeniedException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("HTTP 401");
      }
    }
  }

  @Test
  void projectIdBillsEveryRequestToThatProject() throws Exception {
    try (FakeGcs store = new FakeGcs()) {
      store.requireUserProject("billed-project");
      Config config = store.config().with("gcs.project-id", "billed-project");
      Location file = Location.of("gs://bucket/dir/paid");

      try (StateFileSystem fs = provider.create("gs", config)) {
        FileOutput out = fs.newOutputFile(file).create();
        out.write(new byte[300 * 1024]); // resumable: its own requests carry the project too
        out.close();
        assertThat(fs.newInputFile(file).length()).isEqualTo(300 * 1024);
        assertThat(fs.list(file.parent())).hasSize(1);
        fs.copy(file, file.parent().resolve("copy"));
        fs.deleteRecursively(file.parent());
        assertThat(fs.list(file.parent())).isEmpty();
      }
    }
  }

  /** A service-account key file with a fresh RSA key whose token endpoint is {@code tokenUri}. */
  private static Path serviceAccountKey(Path dir, String tokenUri)
      throws IOException, NoSuchAlgorithmException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem =
        "-----BEGIN PRIVATE KEY-----\\n"
            + Base64.getEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
            + "\\n-----END PRIVATE KEY-----\\n";
    String json =
        "{\"type\": \"service_account\", \"project_id\": \"aloft-test\", \"private_key_id\": \"k1\","
            + " \"private_key\": \"" + pem + "\", \"client_email\": \"aloft@aloft-test.iam.gserviceaccount.com\","
            + " \"client_id\": \"1\", \"token_uri\": \"" + tokenUri + "\"}";
    return Files.writeString(dir.resolve("key.json"), json);
  }
}
