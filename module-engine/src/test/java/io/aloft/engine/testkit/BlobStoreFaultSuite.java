package io.aloft.engine.testkit;

import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.BREAK_BODY;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.FORBIDDEN_403;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.IGNORE_RANGE;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.INTERNAL_ERROR_500;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.LOSE_ANSWER;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.STALL;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.UNAVAILABLE_503;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aloft.config.Config;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a blob-store provider meets a misbehaving store, against the provider's scripted fake
 * ({@link ScriptedHttpStore}): transient failures are retried a bounded number of times, permanent ones
 * fail at once naming the location and operation, an unreachable store fails within a bounded time
 * naming the endpoint, and an exclusive write tells its own lost answer from another writer's file. The
 * fake's configuration has 2 retries and short timeouts.
 *
 * <p>A provider's test extends this, says how its fake names requests and how its messages word
 * failures, and adds the cases only its store has.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class BlobStoreFaultSuite<S extends ScriptedHttpStore> {

  /** The requests the scenarios script faults for. */
  protected enum Request {
    /** A ranged GET of a file's bytes. */
    READ,
    /** The metadata request behind a file's length. */
    METADATA,
    /** The single upload of a small file. */
    WRITE,
  }

  protected static final byte[] DATA = bytes(10_000);

  protected S store;
  protected StateFileSystem fs;

  /** A started fake that holds {@link #DATA} at {@code file("dir/1.sst")}. */
  protected abstract S startStore() throws IOException;

  /** The provider's file system with {@code config}. */
  protected abstract StateFileSystem fileSystem(Config config) throws IOException;

  /** The location of {@code path} in the fake's bucket or container. */
  protected abstract Location file(String path);

  /** How the fake names requests of this kind in its script and its log. */
  protected abstract String operation(Request request);

  /** How the fake logs a request for {@code file}. */
  protected abstract String logged(Location file);

  /** Stores {@code data} at {@code file} as another writer (another write id) would. */
  protected abstract void putAsAnotherWriter(Location file, byte[] data);

  /** The provider's configuration keys start with this, e.g. {@code "s3."}. */
  protected abstract String keyPrefix();

  /** The fake's endpoint, had it listened on {@code port}. */
  protected abstract String endpointOn(int port);

  /** How the provider names this request in messages ({@code "HEAD"}, {@code "GET METADATA"}, …). */
  protected abstract String named(Request request);

  /** What a failure after the last retry of a 503 says, e.g. {@code "HTTP 503 SlowDown", "3 attempts"}. */
  protected abstract List<String> exhaustedRetriesMessage();

  /** What a refused read says of the refusal, e.g. the store's error code. */
  protected abstract String forbiddenMessage();

  /** What a failure to connect says besides the endpoint. */
  protected List<String> unreachableMessage() {
    return List.of();
  }

  /** What an exclusive write that met another writer's file says besides the location. */
  protected List<String> alreadyExistsMessage() {
    return List.of();
  }

  /** The most that three stalled attempts of 0.5 s each, with backoff, may take. */
  protected Duration stalledAttemptsBound() {
    return Duration.ofSeconds(6);
  }

  /** Whether the fake can ignore ranges ({@link ScriptedHttpStore.Fault#IGNORE_RANGE}). */
  protected boolean ignoresRanges() {
    return true;
  }

  @BeforeEach
  void start() throws IOException {
    store = startStore();
    fs = fileSystem(store.config());
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
    store.script(operation(Request.READ), UNAVAILABLE_503, UNAVAILABLE_503);

    assertThat(readRange(file("dir/1.sst"), 100, 50)).isEqualTo(slice(100, 50));
    assertThat(store.requests(operation(Request.READ))).hasSize(3);
  }

  @Test
  void writeAnswered500IsRetriedAndSucceeds() throws IOException {
    store.script(operation(Request.WRITE), INTERNAL_ERROR_500);
    Location file = file("dir/2.sst");

    writeAndClose(fs.newOutputFile(file).create());

    assertThat(store.requests(operation(Request.WRITE))).containsExactly(logged(file), logged(file));
  }

  @Test
  protected void responseBodyThatBreaksOffIsRequestedAgain() throws IOException {
    store.script(operation(Request.READ), BREAK_BODY);

    assertThat(readRange(file("dir/1.sst"), 0, DATA.length)).isEqualTo(DATA);
    assertThat(store.requests(operation(Request.READ))).hasSize(2);
  }

  @Test
  void storeThatIgnoresRangesStillServesPositionalAndTailReads() throws IOException {
    assumeTrue(ignoresRanges(), "the fake always honours ranges");
    store.script(operation(Request.READ), IGNORE_RANGE, IGNORE_RANGE);

    assertThat(readRange(file("dir/1.sst"), 100, 50)).isEqualTo(slice(100, 50));
    byte[] tail = new byte[64];
    try (FileInput in = fs.newInputFile(file("dir/1.sst")).newInput()) {
      assertThat(in.readTail(tail, 0, 64)).isEqualTo(64);
    }
    assertThat(tail).isEqualTo(slice(DATA.length - 64, 64));
  }

  @Test
  void persistentFailureStopsAfterMaxRetriesNamingLocationAndStatus() {
    Location file = file("dir/1.sst");
    store.script(operation(Request.READ), UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503, UNAVAILABLE_503);

    contains(
        assertThatThrownBy(() -> readRange(file, 0, 10))
            .isInstanceOf(IOException.class)
            .hasMessageContaining(file.toString()),
        exhaustedRetriesMessage());
    assertThat(store.requests(operation(Request.READ))).hasSize(3);
  }

  @Test
  void requestWithoutAnswerTimesOutAndFailsWithinBoundedTime() throws IOException {
    Location file = file("dir/1.sst");
    store.script(operation(Request.READ), STALL, STALL, STALL);
    Config config = store.config().with(keyPrefix() + "request-timeout", "500 ms");
    long start = System.nanoTime();

    try (StateFileSystem impatient = fileSystem(config)) {
      assertThatThrownBy(
              () -> {
                try (FileInput in = impatient.newInputFile(file).newInput()) {
                  in.readFully(0, new byte[10], 0, 10);
                }
              })
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("timed out");
    }
    // Far below the 10 s a stalled answer would take.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(stalledAttemptsBound());
    assertThat(store.requests(operation(Request.READ))).hasSize(3);
  }

  // --- permanent failures fail at once ------------------------------------------------------------

  @Test
  void forbiddenReadIsAccessDeniedNamingLocationAndOperation() {
    Location file = file("dir/1.sst");
    store.script(operation(Request.READ), FORBIDDEN_403);

    assertThatThrownBy(() -> readRange(file, 0, 10))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(named(Request.READ))
        .hasMessageContaining(forbiddenMessage());
    assertThat(store.requests(operation(Request.READ))).as("403 is not retried").hasSize(1);
  }

  @Test
  void forbiddenLengthIsAccessDeniedNamingLocationAndOperation() {
    Location file = file("dir/1.sst");
    store.script(operation(Request.METADATA), FORBIDDEN_403);

    assertThatThrownBy(() -> fs.newInputFile(file).length())
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(named(Request.METADATA));
  }

  @Test
  void forbiddenWriteIsAccessDeniedNamingLocationAndOperation() throws IOException {
    store.script(operation(Request.WRITE), FORBIDDEN_403);
    Location file = file("dir/2.sst");
    FileOutput out = fs.newOutputFile(file).create();
    out.write(bytes(10));

    assertThatThrownBy(out::close)
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(named(Request.WRITE));
  }

  @Test
  void refusedConnectionFailsNamingEndpointWithinBoundedTime() throws IOException {
    Location file = file("dir/1.sst");
    String endpoint = endpointOn(Loopback.closedPort());
    Config config = store.config().with(keyPrefix() + "endpoint", endpoint);
    long start = System.nanoTime();

    try (StateFileSystem unreachable = fileSystem(config)) {
      contains(
          assertThatThrownBy(() -> unreachable.newInputFile(file).length())
              .isInstanceOf(IOException.class)
              .hasMessageContaining(file.toString())
              .hasMessageContaining("cannot connect to " + endpoint),
          unreachableMessage());
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  // --- exclusive writes ---------------------------------------------------------------------------

  @Test
  void exclusiveWriteWhoseResponseWasLostSucceedsOnRetry() throws IOException {
    // The first upload lands but its answer is lost; the retry meets the precondition and the writer's
    // own file: the write id in its metadata says the write succeeded.
    store.script(operation(Request.WRITE), LOSE_ANSWER);

    writeAndClose(fs.newOutputFile(file("MANIFEST-1")).createExclusive());

    assertThat(store.requests(operation(Request.WRITE))).hasSize(2);
  }

  @Test
  void exclusiveWriteMeetingAnotherWritersFileFailsAsAlreadyExists() throws IOException {
    Location file = file("MANIFEST-2");
    FileOutput out = fs.newOutputFile(file).createExclusive();
    out.write(bytes(10));
    putAsAnotherWriter(file, bytes(5));

    contains(
        assertThatThrownBy(out::close)
            .isInstanceOf(FileAlreadyExistsException.class)
            .hasMessageContaining(file.toString()),
        alreadyExistsMessage());
  }

  // --- helpers ------------------------------------------------------------------------------------

  protected static void writeAndClose(FileOutput out) throws IOException {
    out.write(bytes(1000));
    out.close();
  }

  protected byte[] readRange(Location file, long position, int length) throws IOException {
    byte[] buffer = new byte[length];
    try (FileInput in = fs.newInputFile(file).newInput()) {
      in.readFully(position, buffer, 0, length);
    }
    return buffer;
  }

  protected static byte[] slice(int from, int length) {
    return Arrays.copyOfRange(DATA, from, from + length);
  }

  /** {@code n} seeded random bytes: the same for the same {@code n}. */
  public static byte[] bytes(int n) {
    byte[] data = new byte[n];
    new Random(n).nextBytes(data);
    return data;
  }

  private static void contains(AbstractThrowableAssert<?, ?> failure, List<String> fragments) {
    for (String fragment : fragments) {
      failure.hasMessageContaining(fragment);
    }
  }
}
