package io.aloft.fs.gcs;

import static io.aloft.fs.gcs.FakeGcs.Fault.BREAK_BODY;
import static io.aloft.fs.gcs.FakeGcs.Fault.FORBIDDEN_403;
import static io.aloft.fs.gcs.FakeGcs.Fault.IGNORE_RANGE;
import static io.aloft.fs.gcs.FakeGcs.Fault.INTERNAL_ERROR_500;
import static io.aloft.fs.gcs.FakeGcs.Fault.STALL;
import static io.aloft.fs.gcs.FakeGcs.Fault.TOO_MANY_REQUESTS_429;
import static io.aloft.fs.gcs.FakeGcs.Fault.UNAVAILABLE_503;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the provider meets a misbehaving store, against the scripted fake GCS: transient failures are
 * retried a bounded number of times, permanent ones fail at once naming the location and operation,
 * an unreachable store fails within a bounded time naming the endpoint. Configured with 2 retries, a
 * 1 s connection timeout and a 2 s request timeout.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GcsFaultTest {

  private static final Location FILE = Location.of("gs://bucket/dir/1.sst");
  private static final byte[] DATA = bytes(10_000);

  private FakeGcs store;
  private StateFileSystem fs;

  @BeforeEach
  void start() throws IOException {
    store = new FakeGcs();
    store.put("bucket", "dir/1.sst", DATA, Map.of());
    fs = new GcsFileSystemProvider().create("gs", store.config());
  }

  @AfterEach
  void stop() throws Exception {
    if (fs != null) {
      fs.close();
    }
    if (store != null) {
      store.close();
    }
  }

  // --- transient failures are retried -------------------------------------------------------------

  @Test
  void readAnswered503ThenSucceedsIsRetried() throws IOException {
    store.script(FakeGcs.Op.MEDIA_GET, UNAVAILABLE_503, UNAVAILABLE_503);

    assertThat(readRange(FILE, 100, 50)).isEqualTo(slice(100, 50));
    assertThat(store.requests(FakeGcs.Op.MEDIA_GET)).hasSize(3);
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

    assertThat(fs.newInputFile(FILE).length()).isEqualTo(DATA.length);
    assertThat(store.requests(FakeGcs.Op.METADATA_GET)).hasSize(2);
  }

  @Test
  void listAnswered503IsRetried() throws IOException {
    store.script(FakeGcs.Op.LIST, UNAVAILABLE_503);

    assertThat(fs.list(FILE.parent())).hasSize(1);
  }

  @Test
  void responseBodyThatBreaksOffIsRequestedAgain() throws IOException {
    store.script(FakeGcs.Op.MEDIA_GET, BREAK_BODY);

    assertThat(readRange(FILE, 0, DATA.length)).isEqualTo(DATA);
    assertThat(store.requests(FakeGcs.Op.MEDIA_GET)).hasSize(2);
  }

  @Test
  void storeThatIgnoresRangesStillServesPositionalAndTailReads() throws IOException {
    store.script(FakeGcs.Op.MEDIA_GET, IGNORE_RANGE, IGNORE_RANGE);

    assertThat(readRange(FILE, 100, 50)).isEqualTo(slice(100, 50));
    byte[] tail = new byte[64];
    try (FileInput in = fs.newInputFile(FILE).newInput()) {
      assertThat(in.readTail(tail, 0, 64)).isEqualTo(64);
    }
    assertThat(tail).isEqualTo(slice(DATA.length - 64, 64));
  }

  @Test
  void persistentFailureStopsAfterMaxRetriesNamingLocationAndStatus() {
    store.script(FakeGcs.Op.MEDIA_GET, UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);

    assertThatThrownBy(() -> readRange(FILE, 0, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("HTTP 503")
        .hasMessageContaining("3 attempts");
    assertThat(store.requests(FakeGcs.Op.MEDIA_GET)).hasSize(3);
  }

  @Test
  void requestWithoutAnswerTimesOutAndFailsWithinBoundedTime() throws IOException {
    store.script(FakeGcs.Op.MEDIA_GET, STALL, STALL, STALL);
    Config config = store.config().with("gcs.request-timeout", "500 ms");
    long start = System.nanoTime();

    try (StateFileSystem impatient = new GcsFileSystemProvider().create("gs", config)) {
      assertThatThrownBy(
              () -> {
                try (FileInput in = impatient.newInputFile(FILE).newInput()) {
                  in.readFully(0, new byte[10], 0, 10);
                }
              })
          .isInstanceOf(IOException.class)
          .hasMessageContaining(FILE.toString())
          .hasMessageContaining("timed out");
    }
    // 3 attempts of 0.5 s each plus backoff; far below the 10 s a stalled answer would take.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    assertThat(store.requests(FakeGcs.Op.MEDIA_GET)).hasSize(3);
  }

  // --- permanent failures fail at once ------------------------------------------------------------

  @Test
  void forbiddenReadIsAccessDeniedNamingLocationAndOperation() {
    store.script(FakeGcs.Op.MEDIA_GET, FORBIDDEN_403);

    assertThatThrownBy(() -> readRange(FILE, 0, 10))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("GET")
        .hasMessageContaining("HTTP 403");
    assertThat(store.requests(FakeGcs.Op.MEDIA_GET)).as("403 is not retried").hasSize(1);
  }

  @Test
  void forbiddenLengthIsAccessDeniedNamingLocationAndOperation() {
    store.script(FakeGcs.Op.METADATA_GET, FORBIDDEN_403);

    assertThatThrownBy(() -> fs.newInputFile(FILE).length())
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("GET METADATA");
  }

  @Test
  void forbiddenWriteIsAccessDeniedNamingLocationAndOperation() throws IOException {
    store.script(FakeGcs.Op.UPLOAD, FORBIDDEN_403);
    Location file = Location.of("gs://bucket/dir/2.sst");
    FileOutput out = fs.newOutputFile(file).create();
    out.write(bytes(10));

    assertThatThrownBy(out::close)
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("UPLOAD");
  }

  @Test
  void forbiddenDeleteInABatchIsAccessDeniedNamingTheFile() {
    store.script(FakeGcs.Op.DELETE, FORBIDDEN_403);

    assertThatThrownBy(() -> fs.deleteFiles(List.of(FILE)))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("HTTP 403");
  }

  @Test
  void deleteOfABatchAnswered503IsRetriedForThatFileOnly() throws IOException {
    store.put("bucket", "dir/2.sst", bytes(5), Map.of());
    store.script(FakeGcs.Op.DELETE, UNAVAILABLE_503);

    fs.deleteFiles(List.of(FILE, Location.of("gs://bucket/dir/2.sst")));

    assertThat(fs.list(FILE.parent())).isEmpty();
    assertThat(store.requests(FakeGcs.Op.BATCH)).containsExactly("2", "1");
  }

  @Test
  void refusedConnectionFailsNamingEndpointWithinBoundedTime() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + closedPort;
    Config config = store.config().with("gcs.endpoint", endpoint);
    long start = System.nanoTime();

    try (StateFileSystem unreachable = new GcsFileSystemProvider().create("gs", config)) {
      assertThatThrownBy(() -> unreachable.newInputFile(FILE).length())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(FILE.toString())
          .hasMessageContaining("cannot connect to " + endpoint)
          .hasMessageContaining("3 attempts");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  // --- helpers ------------------------------------------------------------------------------------

  private static void writeAndClose(FileOutput out, byte[] data) throws IOException {
    out.write(data);
    out.close();
  }

  private byte[] readRange(Location file, long position, int length) throws IOException {
    byte[] buffer = new byte[length];
    try (FileInput in = fs.newInputFile(file).newInput()) {
      in.readFully(position, buffer, 0, length);
    }
    return buffer;
  }

  private static byte[] slice(int from, int length) {
    return Arrays.copyOfRange(DATA, from, from + length);
  }

  static byte[] bytes(int n) {
    byte[] data = new byte[n];
    new Random(n).nextBytes(data);
    return data;
  }
}
