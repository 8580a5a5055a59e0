package io.aloft.fs.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider's error paths with marker credentials: no message or toString() repeats them. */
class AzureSecretsTest {
  static final String MARKER = "markersecret77";
  static final String ACCOUNT_KEY =
      Base64.getEncoder().encodeToString(("key-" + MARKER).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  static final String SAS = "sv=2024-01-01&sig=" + MARKER;

  private final AzureBlobFileSystemProvider provider = new AzureBlobFileSystemProvider();

  static String everything(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  static void noMarker(String text) {
    assertThat(text).doesNotContain(MARKER).doesNotContain(ACCOUNT_KEY);
  }

  private static Config base(String credentialKey, String value) {
    return Config.of(
        Map.of(
            credentialKey, value,
            "azure.endpoint", "http://127.0.0.1:9/devstoreaccount1",
            "azure.max-retries", "0",
            "azure.connection-timeout", "1 s",
            "azure.request-timeout", "2 s"));
  }

  @Test
  void anUnreachableStoreNamesTheLocationButNoCredential() throws Exception {
    for (Config config : new Config[] {base("azure.account-key", ACCOUNT_KEY), base("azure.sas-token", SAS)}) {
      noMarker(config.toString());
      noMarker(AzureClients.Settings.from(config).toString());
      try (StateFileSystem fs = provider.create("abfs", config)) {
        noMarker(fs.toString());
        assertThatThrownBy(
                () -> fs.newInputFile(Location.of("abfs://state@devstoreaccount1.dfs.core.windows.net/x.sst")).length())
            .satisfies(e -> noMarker(everything(e)));
      }
    }
  }

  @Test
  void configurationErrorsDoNotRepeatCredentials() {
    for (Config config :
        new Config[] {
          base("azure.account-key", "not base64 " + MARKER),
          Config.of(Map.of("azure.connection-string", "AccountName=devstoreaccount1;AccountKey" + MARKER)),
          Config.of(Map.of("azure.connection-string", "AccountName=a;AccountKey=" + ACCOUNT_KEY + ";BlobEndpoint=x y " + MARKER)),
          Config.of(
              Map.of(
                  "azure.connection-string",
                  "AccountName=a;AccountKey=" + ACCOUNT_KEY + ";BlobEndpoint=http://u:" + MARKER + "@127.0.0.1:9/a")),
          base("azure.sas-token", SAS).with("azure.endpoint", "http://u:" + MARKER + "@127.0.0.1:9/a"),
          base("azure.sas-token", SAS).with("azure.endpoint", "http://blob.example.com/a")
        }) {
      assertThatThrownBy(() -> provider.create("abfs", config).close())
          .isInstanceOf(ConfigException.class)
          .satisfies(e -> noMarker(everything(e)));
    }
  }

  @Test
  void containerAtAccountStaysAValidLocation() {
    assertThat(Location.of("abfss://state@account.dfs.core.windows.net/x").authority())
        .isEqualTo("state@account.dfs.core.windows.net");
    assertThatThrownBy(() -> Location.of("abfss://state:" + MARKER + "@account.dfs.core.windows.net/x"))
        .satisfies(e -> noMarker(everything(e)));
  }
}
