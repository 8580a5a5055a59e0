package io.aloft.fs.s3;

import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.CONFLICT_409;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.UNAVAILABLE_503;
import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.config.Config;
import io.aloft.engine.testkit.BlobStoreFaultSuite;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the provider meets a misbehaving store, against a scripted fake S3 (the shared scenarios), and
 * what only S3 does: request counts that include retries, and the retry of a conditional write that
 * raced another request (409 ConditionalRequestConflict). Configured with 2 retries and 1 s connection
 * and request timeouts.
 */
class S3FaultTest extends BlobStoreFaultSuite<FakeS3> {

  @Override
  protected FakeS3 startStore() throws IOException {
    return new FakeS3().put("bucket/dir/1.sst", DATA, Map.of());
  }

  @Override
  protected StateFileSystem fileSystem(Config config) throws IOException {
    return new S3FileSystemProvider().create("s3", config);
  }

  @Override
  protected Location file(String path) {
    return Location.of("s3://bucket/" + path);
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
    return file.authority() + file.path();
  }

  @Override
  protected void putAsAnotherWriter(Location file, byte[] data) {
    store.put(logged(file), data, Map.of(S3FileOutput.WRITE_ID, "another writer"));
  }

  @Override
  protected String keyPrefix() {
    return "s3.";
  }

  @Override
  protected String endpointOn(int port) {
    return "http://127.0.0.1:" + port;
  }

  @Override
  protected String named(Request request) {
    return operation(request);
  }

  @Override
  protected List<String> exhaustedRetriesMessage() {
    return List.of("HTTP 503 SlowDown", "3 attempts");
  }

  @Override
  protected String forbiddenMessage() {
    return "AccessDenied";
  }

  @Test
  void requestCountsIncludeTheRetries() throws IOException {
    store.script("GET", UNAVAILABLE_503, UNAVAILABLE_503);

    assertThat(readRange(file("dir/1.sst"), 100, 50)).isEqualTo(slice(100, 50));
    // The file system's request counts include the retries, as the store bills them.
    assertThat(fs.requestCounts()).containsEntry("GetObject", 3L);
  }

  @Test
  void conditionalWriteConflictIsRetried() throws IOException {
    store.script("PUT", CONFLICT_409);

    writeAndClose(fs.newOutputFile(file("MANIFEST-3")).createExclusive());

    assertThat(store.requests("PUT")).hasSize(2);
  }
}
