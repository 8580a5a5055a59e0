package io.aloft.fs.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider's schemes, configuration keys and locations; nothing here reaches a store. */
class AzureBlobFileSystemProviderTest {

  private static final String KEY = "ZmFrZS1rZXk=";

  private static final Config ACCOUNT_KEY = Config.of(Map.of("azure.account-key", KEY));

  private final AzureBlobFileSystemProvider provider = new AzureBlobFileSystemProvider();

  @Test
  void servesAbfsAndWasbWithAndWithoutTls() {
    assertThat(provider.schemes()).containsExactlyInAnyOrder("abfs", "abfss", "wasb", "wasbs");
  }

  @Test
  void declaresEveryKeyItReads() {
    assertThat(provider.options())
        .extracting(ConfigOption::key)
        .containsExactly(
            "azure.account-key",
            "azure.sas-token",
            "azure.connection-string",
            "azure.endpoint",
            "azure.allow-insecure-http",
            "azure.connection-timeout",
            "azure.request-timeout",
            "azure.max-retries",
            "azure.max-concurrency",
            "azure.upload.block-size");
    assertThat(provider.options()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
  }

  @Test
  void createsWithoutContactingTheStore() throws Exception {
    // The default endpoint of a made-up account: nothing is sent until the first access.
    try (StateFileSystem fs = provider.create("abfss", ACCOUNT_KEY)) {
      fs.newInputFile(Location.of("abfss://state@nosuchaccount.dfs.core.windows.net/a.sst"));
    }
  }

  // --- credentials --------------------------------------------------------------------------------

  @Test
  void missingCredentialsNameTheKeysToSet() {
    assertThatThrownBy(() -> provider.create("abfss", Config.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.account-key")
        .hasMessageContaining("azure.sas-token")
        .hasMessageContaining("azure.connection-string");
  }

  @Test
  void twoCredentialsAreRejectedNamingBoth() {
    Config config = ACCOUNT_KEY.with("azure.sas-token", "sv=2025-11-05&sig=abc");

    assertThatThrownBy(() -> provider.create("wasbs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.account-key")
        .hasMessageContaining("azure.sas-token");
  }

  @Test
  void accountKeyThatIsNotBase64IsRejectedNamingTheKeyButNotItsValue() {
    Config config = Config.of(Map.of("azure.account-key", "not base64!"));

    assertThatThrownBy(() -> provider.create("abfss", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.account-key")
        .hasMessageContaining("base64")
        .hasMessageNotContaining("not base64!");
  }

  @Test
  void connectionStringTogetherWithEndpointIsRejectedNamingBoth() {
    Config config =
        Config.of(
            Map.of(
                "azure.connection-string", "UseDevelopmentStorage=true",
                "azure.endpoint", "http://127.0.0.1:10000/devstoreaccount1"));

    assertThatThrownBy(() -> provider.create("wasb", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.endpoint")
        .hasMessageContaining("azure.connection-string");
  }

  @Test
  void connectionStringWithoutAccountOrEndpointIsRejectedNamingTheKey() {
    Config config = Config.of(Map.of("azure.connection-string", "AccountKey=" + KEY));

    assertThatThrownBy(() -> provider.create("wasb", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.connection-string")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void garbledConnectionStringIsRejectedNamingTheKey() {
    Config config = Config.of(Map.of("azure.connection-string", "just some text"));

    assertThatThrownBy(() -> provider.create("wasb", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.connection-string");
  }

  @Test
  void developmentStorageConnectionStringServesTheDevelopmentAccountOnly() throws Exception {
    Config config = Config.of(Map.of("azure.connection-string", "UseDevelopmentStorage=true"));

    try (StateFileSystem fs = provider.create("wasb", config)) {
      fs.newInputFile(Location.of("wasb://state@devstoreaccount1/a.sst"));
      Location other = Location.of("wasb://state@otheraccount.blob.core.windows.net/a.sst");
      assertThatThrownBy(() -> fs.newInputFile(other).newInput())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(other.toString())
          .hasMessageContaining("azure.connection-string")
          .hasMessageContaining("devstoreaccount1");
    }
  }

  // --- endpoint and tuning keys -------------------------------------------------------------------

  @Test
  void endpointWithoutHttpSchemeIsRejectedNamingTheKey() {
    Config config = ACCOUNT_KEY.with("azure.endpoint", "127.0.0.1:10000/devstoreaccount1");

    assertThatThrownBy(() -> provider.create("abfs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.endpoint")
        .hasMessageContaining("127.0.0.1:10000/devstoreaccount1");
  }

  @Test
  void pathStyleEndpointServesOnlyTheAccountInItsPath() throws Exception {
    Config config = ACCOUNT_KEY.with("azure.endpoint", "http://127.0.0.1:9/devstoreaccount1");

    try (StateFileSystem fs = provider.create("abfs", config)) {
      Location other = Location.of("abfs://state@someoneelse.dfs.core.windows.net/a.sst");
      assertThatThrownBy(() -> fs.newOutputFile(other).create())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(other.toString())
          .hasMessageContaining("azure.endpoint")
          .hasMessageContaining("devstoreaccount1");
    }
  }

  @Test
  void blockSizeBelowMinimumIsRejectedNamingTheKey() {
    Config config = ACCOUNT_KEY.with("azure.upload.block-size", "1kb");

    assertThatThrownBy(() -> provider.create("abfss", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.upload.block-size")
        .hasMessageContaining("64kb");
  }

  @Test
  void zeroRequestTimeoutIsRejectedNamingTheKey() {
    Config config = ACCOUNT_KEY.with("azure.request-timeout", "0 ms");

    assertThatThrownBy(() -> provider.create("abfss", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.request-timeout");
  }

  @Test
  void misspelledKeyIsRejectedWithTheClosestKnownKey() {
    Config config = ACCOUNT_KEY.with("azure.acount-key", KEY);

    assertThatThrownBy(() -> provider.create("abfss", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.acount-key")
        .hasMessageContaining("azure.account-key");
  }

  @Test
  void malformedValueIsRejectedNamingTheKey() {
    Config config = ACCOUNT_KEY.with("azure.max-retries", "-1");

    assertThatThrownBy(() -> provider.create("abfss", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("azure.max-retries");
  }

  @Test
  void otherSchemesAreRefused() {
    assertThatThrownBy(() -> provider.create("s3", ACCOUNT_KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3");
  }

  // --- locations ----------------------------------------------------------------------------------

  @Test
  void abfsAndWasbHostsNameTheSameAccountAndContainer() {
    AzureLocation abfs =
        AzureLocation.of(Location.of("abfss://state@mystorage.dfs.core.windows.net/ckp/1.sst"));
    AzureLocation wasb =
        AzureLocation.of(Location.of("wasbs://state@mystorage.blob.core.windows.net/ckp/1.sst"));
    AzureLocation bare = AzureLocation.of(Location.of("wasb://state@mystorage/ckp/1.sst"));

    assertThat(abfs).isEqualTo(wasb).isEqualTo(bare);
    assertThat(abfs.account()).isEqualTo("mystorage");
    assertThat(abfs.container()).isEqualTo("state");
    assertThat(abfs.blobName()).isEqualTo("ckp/1.sst");
    assertThat(abfs.defaultBlobEndpoint()).isEqualTo("https://mystorage.blob.core.windows.net");
  }

  @Test
  void anotherCloudsSuffixSelectsItsEndpoint() {
    AzureLocation china =
        AzureLocation.of(Location.of("abfss://state@mystorage.dfs.core.chinacloudapi.cn/x"));

    assertThat(china.defaultBlobEndpoint()).isEqualTo("https://mystorage.blob.core.chinacloudapi.cn");
  }

  @Test
  void locationWithoutContainerIsRejectedNamingIt() throws Exception {
    Location noContainer = Location.of("abfss://mystorage.dfs.core.windows.net/ckp");

    try (StateFileSystem fs = provider.create("abfss", ACCOUNT_KEY)) {
      assertThatThrownBy(() -> fs.newInputFile(noContainer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(noContainer.toString())
          .hasMessageContaining("container");
    }
  }

  @Test
  void locationWithUnknownHostIsRejectedNamingIt() {
    Location queue = Location.of("abfss://state@mystorage.queue.core.windows.net/ckp");

    assertThatThrownBy(() -> AzureLocation.of(queue))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(queue.toString())
        .hasMessageContaining("mystorage.queue.core.windows.net");
  }

  @Test
  void locationWithInvalidContainerNameIsRejectedNamingIt() {
    Location upperCase = Location.of("wasbs://State@mystorage.blob.core.windows.net/ckp");

    assertThatThrownBy(() -> AzureLocation.of(upperCase))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(upperCase.toString())
        .hasMessageContaining("'State'");
  }

  @Test
  void containerRootIsNoFileToWrite() throws Exception {
    Location root = Location.of("wasbs://state@mystorage.blob.core.windows.net/");

    try (StateFileSystem fs = provider.create("wasbs", ACCOUNT_KEY)) {
      assertThatThrownBy(() -> fs.newOutputFile(root))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(root.toString());
    }
  }
}
