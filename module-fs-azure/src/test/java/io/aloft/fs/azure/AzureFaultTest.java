package io.aloft.fs.azure;

import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.BREAK_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.testkit.BlobStoreFaultSuite;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the provider meets a misbehaving Blob service, against a scripted fake (the shared scenarios).
 * Configured with 2 retries and 1 s connection and request timeouts.
 */
class AzureFaultTest extends BlobStoreFaultSuite<FakeBlobService> {

  @Override
  protected FakeBlobService startStore() throws IOException {
    return new FakeBlobService().put("state/dir/1.sst", DATA, Map.of());
  }

  @Override
  protected StateFileSystem fileSystem(Config config) throws IOException {
    return new AzureBlobFileSystemProvider().create("abfss", config);
  }

  @Override
  protected Location file(String path) {
    return Location.of("abfss://state@" + FakeBlobService.ACCOUNT + ".dfs.core.windows.net/" + path);
  }

  @Override
  protected String operation(Request request) {
    return switch (request) {
      case READ -> "GET";
      case METADATA -> "HEAD";
      case WRITE -> "PUT";
    };
  }

  @Override
  protected String logged(Location file) {
    return "state" + file.path();
  }

  @Override
  protected void putAsAnotherWriter(Location file, byte[] data) {
    store.put(logged(file), data, Map.of(AzureFileOutput.WRITE_ID, "another writer"));
  }

  @Override
  protected String keyPrefix() {
    return "azure.";
  }

  @Override
  protected String endpointOn(int port) {
    return "http://127.0.0.1:" + port + "/" + FakeBlobService.ACCOUNT;
  }

  @Override
  protected String named(Request request) {
    return operation(request);
  }

  /** The SDK does not say how many attempts it made. */
  @Override
  protected List<String> exhaustedRetriesMessage() {
    return List.of("HTTP 503 ServerBusy");
  }

  @Override
  protected String forbiddenMessage() {
    return "AuthorizationPermissionMismatch";
  }

  /** Azure answers an exclusive write that meets a blob with 409 BlobAlreadyExists. */
  @Override
  protected List<String> alreadyExistsMessage() {
    return List.of("409");
  }

  /** The bound Azure's test has always had: its SDK's three timed-out attempts take longer than the others'. */
  @Override
  protected Duration stalledAttemptsBound() {
    return Duration.ofSeconds(8);
  }

  /** Every Azure GET of the provider is ranged, and the fake always honours the range. */
  @Override
  protected boolean ignoresRanges() {
    return false;
  }

  /** The SDK re-requests the rest of a broken body itself, maybe in more than one request. */
  @Test
  @Override
  protected void responseBodyThatBreaksOffIsRequestedAgain() throws IOException {
    store.script("GET", BREAK_BODY);

    assertThat(readRange(file("dir/1.sst"), 0, DATA.length)).isEqualTo(DATA);
    assertThat(store.requests("GET")).hasSizeGreaterThanOrEqualTo(2);
  }
}
