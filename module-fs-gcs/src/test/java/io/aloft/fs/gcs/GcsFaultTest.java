package io.aloft.fs.gcs;

import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.FORBIDDEN_403;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.INTERNAL_ERROR_500;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.TOO_MANY_REQUESTS_429;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.UNAVAILABLE_503;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.testkit.BlobStoreFaultSuite;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the provider meets a misbehaving store, against the scripted fake GCS (the shared scenarios), and
 * what only this provider does: throttling answered 429, retried metadata reads and lists, and batched
 * deletes that retry only the files whose part failed. Configured with 2 retries, a 1 s connection
 * timeout and a 2 s request timeout.
 */
class GcsFaultTest extends BlobStoreFaultSuite<FakeGcs> {

  @Override
  protected FakeGcs startStore() throws IOException {
    FakeGcs store = new FakeGcs();
    store.put("bucket", "dir/1.sst", DATA, Map.of());
    return store;
  }

  @Override
  protected StateFileSystem fileSystem(Config config) throws IOException {
    return new GcsFileSystemProvider().create("gs", config);
  }

  @Override
  protected Location file(String path) {
    return Location.of("gs://bucket/" + path);
  }

  @Override
  protected String operation(Request request) {
    return switch (request) {
      case READ -> FakeGcs.Op.MEDIA_GET.name();
      case METADATA -> FakeGcs.Op.METADATA_GET.name();
      case WRITE -> FakeGcs.Op.UPLOAD.name();
    };
  }

  @Override
  protected String logged(Location file) {
    return file.authority() + file.path();
  }

  @Override
  protected void putAsAnotherWriter(Location file, byte[] data) {
    store.put(file.authority(), file.path().substring(1), data, Map.of(GcsFileOutput.WRITE_ID, "another writer"));
  }

  @Override
  protected String keyPrefix() {
    return "gcs.";
  }

  @Override
  protected String endpointOn(int port) {
    return "http://127.0.0.1:" + port;
  }

  @Override
  protected String named(Request request) {
    return switch (request) {
      case READ -> "GET";
      case METADATA -> "GET METADATA";
      case WRITE -> "UPLOAD";
    };
  }

  @Override
  protected List<String> exhaustedRetriesMessage() {
    return List.of("HTTP 503", "3 attempts");
  }

  @Override
  protected String forbiddenMessage() {
    return "HTTP 403";
  }

  @Override
  protected List<String> unreachableMessage() {
    return List.of("3 attempts");
  }

  @Test
  void throttledWriteIsRetriedAndSucceeds() throws IOException {
    store.script(FakeGcs.Op.UPLOAD, TOO_MANY_REQUESTS_429);

    writeAndClose(fs.newOutputFile(Location.of("gs://bucket/dir/2.sst")).create(), bytes(1000));

    assertThat(store.requests(FakeGcs.Op.UPLOAD)).containsExactly("bucket/dir/2.sst", "bucket/dir/2.sst");
    assertThat(store.bytes("bucket", "dir/2.sst")).isEqualTo(bytes(1000));
  }

  @Test
  void metadataAnswered500IsRetried() throws IOException {
    store.script(FakeGcs.Op.METADATA_GET, INTERNAL_ERROR_500);

    assertThat(fs.newInputFile(file("dir/1.sst")).length()).isEqualTo(DATA.length);
    assertThat(store.requests(FakeGcs.Op.METADATA_GET)).hasSize(2);
  }

  @Test
  void listAnswered503IsRetried() throws IOException {
    store.script(FakeGcs.Op.LIST, UNAVAILABLE_503);

    assertThat(fs.list(file("dir/1.sst").parent())).hasSize(1);
  }

  @Test
  void forbiddenDeleteInABatchIsAccessDeniedNamingTheFile() {
    store.script(FakeGcs.Op.DELETE, FORBIDDEN_403);

    assertThatThrownBy(() -> fs.deleteFiles(List.of(file("dir/1.sst"))))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(file("dir/1.sst").toString())
        .hasMessageContaining("HTTP 403");
  }

  @Test
  void deleteOfABatchAnswered503IsRetriedForThatFileOnly() throws IOException {
    store.put("bucket", "dir/2.sst", bytes(5), Map.of());
    store.script(FakeGcs.Op.DELETE, UNAVAILABLE_503);

    fs.deleteFiles(List.of(file("dir/1.sst"), Location.of("gs://bucket/dir/2.sst")));

    assertThat(fs.list(file("dir/1.sst").parent())).isEmpty();
    assertThat(store.requests(FakeGcs.Op.BATCH)).containsExactly("2", "1");
  }

  // --- helpers ------------------------------------------------------------------------------------

  private static void writeAndClose(FileOutput out, byte[] data) throws IOException {
    out.write(data);
    out.close();
  }
}
