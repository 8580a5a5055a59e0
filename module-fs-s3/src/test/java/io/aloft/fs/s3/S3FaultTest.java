package io.aloft.fs.s3;

import static io.aloft.fs.s3.FakeS3.Fault.ACCESS_DENIED_403;
import static io.aloft.fs.s3.FakeS3.Fault.APPLY_THEN_500;
import static io.aloft.fs.s3.FakeS3.Fault.BREAK_BODY;
import static io.aloft.fs.s3.FakeS3.Fault.CONDITIONAL_CONFLICT_409;
import static io.aloft.fs.s3.FakeS3.Fault.IGNORE_RANGE;
import static io.aloft.fs.s3.FakeS3.Fault.INTERNAL_ERROR_500;
import static io.aloft.fs.s3.FakeS3.Fault.SLOW_DOWN_503;
import static io.aloft.fs.s3.FakeS3.Fault.STALL;
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
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the provider meets a misbehaving store, against a scripted fake S3: transient failures are
 * retried a bounded number of times, permanent ones fail at once naming the location and operation,
 * an unreachable store fails within a bounded time naming the endpoint. Configured with 2 retries and
 * 1 s connection and request timeouts.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class S3FaultTest {

  private static final Location FILE = Location.of("s3://bucket/dir/1.sst");
  private static final byte[] DATA = bytes(10_000);

  private FakeS3 store;
  private StateFileSystem fs;

  @BeforeEach
  void start() throws IOException {
    store = new FakeS3().put("bucket/dir/1.sst", DATA, Map.of());
    fs = new S3FileSystemProvider().create("s3", store.config());
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
  void readAnswered503TwiceIsRetriedAndSucceeds() throws IOException {
    store.script("GET", SLOW_DOWN_503, SLOW_DOWN_503);

    assertThat(readRange(FILE, 100, 50)).isEqualTo(slice(100, 50));
    assertThat(store.requests("GET")).hasSize(3);
    // The file system's request counts include the retries, as the store bills them.
    assertThat(fs.requestCounts()).containsEntry("GetObject", 3L);
  }

  @Test
  void writeAnswered500IsRetriedAndSucceeds() throws IOException {
    store.script("PUT", INTERNAL_ERROR_500);

    writeAndClose(fs.newOutputFile(Location.of("s3://bucket/dir/2.sst")).create());

    assertThat(store.requests("PUT")).containsExactly("bucket/dir/2.sst", "bucket/dir/2.sst");
  }

  @Test
  void responseBodyThatBreaksOffIsRequestedAgain() throws IOException {
    store.script("GET", BREAK_BODY);

    assertThat(readRange(FILE, 0, DATA.length)).isEqualTo(DATA);
    assertThat(store.requests("GET")).hasSize(2);
  }

  @Test
  void storeThatIgnoresRangesStillServesPositionalAndTailReads() throws IOException {
    store.script("GET", IGNORE_RANGE, IGNORE_RANGE);

    assertThat(readRange(FILE, 100, 50)).isEqualTo(slice(100, 50));
    byte[] tail = new byte[64];
    try (FileInput in = fs.newInputFile(FILE).newInput()) {
      assertThat(in.readTail(tail, 0, 64)).isEqualTo(64);
    }
    assertThat(tail).isEqualTo(slice(DATA.length - 64, 64));
  }

  @Test
  void persistentFailureStopsAfterMaxRetriesNamingLocationAndStatus() {
    store.script("GET", SLOW_DOWN_503, SLOW_DOWN_503, SLOW_DOWN_503, SLOW_DOWN_503);

    assertThatThrownBy(() -> readRange(FILE, 0, 10))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("HTTP 503 SlowDown")
        .hasMessageContaining("3 attempts");
    assertThat(store.requests("GET")).hasSize(3);
  }

  @Test
  void requestWithoutAnswerTimesOutAndFailsWithinBoundedTime() throws IOException {
    store.script("GET", STALL, STALL, STALL);
    Config config = store.config().with("s3.request-timeout", "500 ms");
    long start = System.nanoTime();

    try (StateFileSystem impatient = new S3FileSystemProvider().create("s3", config)) {
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
    assertThat(store.requests("GET")).hasSize(3);
  }

  // --- permanent failures fail at once ------------------------------------------------------------

  @Test
  void forbiddenReadIsAccessDeniedNamingLocationAndOperation() {
    store.script("GET", ACCESS_DENIED_403);

    assertThatThrownBy(() -> readRange(FILE, 0, 10))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("GET")
        .hasMessageContaining("AccessDenied");
    assertThat(store.requests("GET")).as("403 is not retried").hasSize(1);
  }

  @Test
  void forbiddenLengthIsAccessDeniedNamingLocationAndOperation() {
    store.script("HEAD", ACCESS_DENIED_403);

    assertThatThrownBy(() -> fs.newInputFile(FILE).length())
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("HEAD");
  }

  @Test
  void forbiddenWriteIsAccessDeniedNamingLocationAndOperation() throws IOException {
    store.script("PUT", ACCESS_DENIED_403);
    Location file = Location.of("s3://bucket/dir/2.sst");
    FileOutput out = fs.newOutputFile(file).create();
    out.write(bytes(10));

    assertThatThrownBy(out::close)
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("PUT");
  }

  @Test
  void refusedConnectionFailsNamingEndpointWithinBoundedTime() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + closedPort;
    Config config = store.config().with("s3.endpoint", endpoint);
    long start = System.nanoTime();

    try (StateFileSystem unreachable = new S3FileSystemProvider().create("s3", config)) {
      assertThatThrownBy(() -> unreachable.newInputFile(FILE).length())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(FILE.toString())
          .hasMessageContaining("cannot connect to " + endpoint);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  // --- exclusive writes ---------------------------------------------------------------------------

  @Test
  void exclusiveWriteWhoseResponseWasLostSucceedsOnRetry() throws IOException {
    // The first PUT lands but its answer is lost; the retry meets If-None-Match and the writer's own
    // object: the write id in its metadata says the write succeeded.
    store.script("PUT", APPLY_THEN_500);

    writeAndClose(fs.newOutputFile(Location.of("s3://bucket/MANIFEST-1")).createExclusive());

    assertThat(store.requests("PUT")).hasSize(2);
  }

  @Test
  void exclusiveWriteMeetingAnotherWritersFileFailsAsAlreadyExists() throws IOException {
    Location file = Location.of("s3://bucket/MANIFEST-2");
    FileOutput out = fs.newOutputFile(file).createExclusive();
    out.write(bytes(10));
    store.put("bucket/MANIFEST-2", bytes(5), Map.of(S3FileOutput.WRITE_ID, "another writer"));

    assertThatThrownBy(out::close)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void conditionalWriteConflictIsRetried() throws IOException {
    store.script("PUT", CONDITIONAL_CONFLICT_409);

    writeAndClose(fs.newOutputFile(Location.of("s3://bucket/MANIFEST-3")).createExclusive());

    assertThat(store.requests("PUT")).hasSize(2);
  }

  // --- helpers ------------------------------------------------------------------------------------

  private static void writeAndClose(FileOutput out) throws IOException {
    out.write(bytes(1000));
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

  private static byte[] bytes(int n) {
    byte[] data = new byte[n];
    new Random(n).nextBytes(data);
    return data;
  }
}
