package io.aloft.fs.gcs;

import static io.aloft.engine.testkit.BlobStoreFaultSuite.bytes;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.LOSE_ANSWER;
import static io.aloft.engine.testkit.ScriptedHttpStore.Fault.UNAVAILABLE_503;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Conditional creates and generations, against the fake GCS, which honours {@code ifGenerationMatch}
 * as the service does (google-cloud-nio's in-memory helper ignores it). Uploads of more than one
 * 256 KiB chunk are resumable sessions; smaller ones single multipart uploads.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GcsConditionalWriteTest {

  private static final int CHUNK = 256 * 1024;

  private FakeGcs store;
  private StateFileSystem fs;

  @BeforeEach
  void start() throws IOException {
    store = new FakeGcs();
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

  // --- exclusive creates --------------------------------------------------------------------------

  @Test
  void smallExclusiveWriteLosesToAnObjectThatAppearedMeanwhile() throws IOException {
    Location file = Location.of("gs://bucket/MANIFEST-1");
    FileOutput out = fs.newOutputFile(file).createExclusive();
    out.write(bytes(10));
    store.put("bucket", "MANIFEST-1", bytes(5), Map.of(GcsFileOutput.WRITE_ID, "another writer"));

    assertThatThrownBy(out::close)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("412");
    assertThat(store.bytes("bucket", "MANIFEST-1")).as("the other writer's object stays").isEqualTo(bytes(5));
  }

  @Test
  void resumableExclusiveWriteLosesAtItsLastChunkToAnObjectThatAppearedMeanwhile() throws IOException {
    Location file = Location.of("gs://bucket/big.sst");
    FileOutput out = fs.newOutputFile(file).createExclusive();
    out.write(bytes(CHUNK + 1000)); // the first chunk leaves: the session has started
    store.put("bucket", "big.sst", bytes(5), Map.of());

    assertThatThrownBy(out::close)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());
    assertThat(store.bytes("bucket", "big.sst")).isEqualTo(bytes(5));
  }

  @Test
  void resumableExclusiveWriteOfAnExistingNameFailsWhenTheSessionStarts() throws IOException {
    Location file = Location.of("gs://bucket/big.sst");
    FileOutput out = fs.newOutputFile(file).createExclusive();
    store.put("bucket", "big.sst", bytes(5), Map.of());

    assertThatThrownBy(() -> out.write(bytes(CHUNK + 1000)))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());
    assertThat(store.requests(FakeGcs.Op.CHUNK)).as("no byte was sent").isEmpty();
  }

  @Test
  void exclusiveWriteWhoseResponseWasLostSucceedsOnRetry() throws IOException {
    // The upload lands but its answer is lost; the retry meets ifGenerationMatch=0 and the writer's
    // own object: the write id in its metadata says the write succeeded.
    store.script(FakeGcs.Op.UPLOAD, LOSE_ANSWER);

    Location file = Location.of("gs://bucket/MANIFEST-2");
    FileOutput out = fs.newOutputFile(file).createExclusive();
    out.write(bytes(100));
    out.close();

    assertThat(store.requests(FakeGcs.Op.UPLOAD)).hasSize(2);
    assertThat(store.bytes("bucket", "MANIFEST-2")).isEqualTo(bytes(100));
  }

  @Test
  void chunkWhoseAnswerWasLostIsResumedWithoutSendingItsBytesTwice() throws IOException {
    // The first chunk's answer is lost after the store kept it; the retry asks the session what it
    // holds and carries on from there (the fake refuses a chunk that does not continue the session).
    store.script(FakeGcs.Op.CHUNK, LOSE_ANSWER);
    byte[] data = bytes(2 * CHUNK + 17);

    FileOutput out = fs.newOutputFile(Location.of("gs://bucket/big.sst")).createExclusive();
    out.write(data);
    out.close();

    assertThat(store.bytes("bucket", "big.sst")).isEqualTo(data);
    assertThat(store.openSessions()).isZero();
  }

  @Test
  void exclusiveResumableWriteWhoseLastAnswerWasLostAsksTheSessionAndSucceeds() throws IOException {
    store.script(FakeGcs.Op.LAST_CHUNK, LOSE_ANSWER);
    byte[] data = bytes(CHUNK + 17);

    FileOutput out = fs.newOutputFile(Location.of("gs://bucket/big.sst")).createExclusive();
    out.write(data);
    out.close();

    assertThat(store.bytes("bucket", "big.sst")).isEqualTo(data);
    assertThat(store.requests(FakeGcs.Op.LAST_CHUNK)).hasSize(1);
  }

  @Test
  void chunkAnswered503IsResumedFromWhatTheSessionHolds() throws IOException {
    store.script(FakeGcs.Op.CHUNK, UNAVAILABLE_503);
    byte[] data = bytes(3 * CHUNK + 5);

    FileOutput out = fs.newOutputFile(Location.of("gs://bucket/big.sst")).create();
    out.write(data);
    out.close();

    assertThat(store.bytes("bucket", "big.sst")).isEqualTo(data);
  }

  @Test
  void abortedResumableWriteCancelsItsSessionAndLeavesNoObject() throws IOException {
    Location file = Location.of("gs://bucket/big.sst");
    FileOutput out = fs.newOutputFile(file).create();
    out.write(bytes(CHUNK + 1000));
    assertThat(store.openSessions()).isOne();

    out.abort();

    assertThat(store.openSessions()).isZero();
    assertThat(fs.exists(file)).isFalse();
  }

  // --- generations --------------------------------------------------------------------------------

  @Test
  void everyWriteOfANameMakesANewGeneration() throws IOException {
    Location file = Location.of("gs://bucket/CURRENT");
    write(file, bytes(3));
    long first = store.generation("bucket", "CURRENT");
    write(file, bytes(4));
    long second = store.generation("bucket", "CURRENT");

    assertThat(first).isPositive();
    assertThat(second).isGreaterThan(first);
  }

  @Test
  void aReaderNeverMixesTwoGenerationsOfAReplacedObject() throws IOException {
    Location file = Location.of("gs://bucket/CURRENT");
    write(file, bytes(1000));
    try (FileInput in = fs.newInputFile(file).newInput()) {
      byte[] head = new byte[10];
      in.readFully(0, head, 0, 10);
      store.put("bucket", "CURRENT", bytes(2000), Map.of());

      assertThatThrownBy(() -> in.readFully(10, new byte[10], 0, 10))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("replaced");
    }
    assertThat(read(file, 2000)).as("a new reader reads the new object").isEqualTo(bytes(2000));
  }

  @Test
  void aReaderOpenedAfterTheLengthReadsThatGeneration() throws IOException {
    Location file = Location.of("gs://bucket/CURRENT");
    write(file, bytes(1000));
    InputFile input = fs.newInputFile(file);
    assertThat(input.length()).isEqualTo(1000);
    store.put("bucket", "CURRENT", bytes(1000), Map.of());

    try (FileInput in = input.newInput()) {
      assertThatThrownBy(() -> in.readFully(0, new byte[10], 0, 10))
          .hasMessageContaining("replaced");
    }
  }

  @Test
  void copyTakingSeveralRewriteCallsGivesIdenticalBytesUnderANewGeneration() throws IOException {
    store.rewriteBytesPerCall(100_000);
    byte[] data = bytes(350_000);
    Location source = Location.of("gs://bucket/a.sst");
    Location target = Location.of("gs://bucket/copies/a.sst");
    write(source, data);

    fs.copy(source, target);

    assertThat(store.requests(FakeGcs.Op.REWRITE)).hasSize(4);
    assertThat(read(target, data.length)).isEqualTo(data);
    assertThat(store.generation("bucket", "copies/a.sst")).isGreaterThan(store.generation("bucket", "a.sst"));
  }

  @Test
  void bytesWrittenThroughTheProviderAreTheBytesInTheInMemoryHelper() throws IOException {
    byte[] small = bytes(1234);
    byte[] large = bytes(2 * CHUNK + 99);
    write(Location.of("gs://bucket/small"), small);
    write(Location.of("gs://bucket/large"), large);

    assertThat(store.bytes("bucket", "small")).isEqualTo(small);
    assertThat(store.bytes("bucket", "large")).isEqualTo(large);
  }

  // --- helpers ------------------------------------------------------------------------------------

  private void write(Location file, byte[] data) throws IOException {
    FileOutput out = fs.newOutputFile(file).create();
    out.write(data);
    out.close();
  }

  private byte[] read(Location file, int length) throws IOException {
    byte[] buffer = new byte[length];
    try (FileInput in = fs.newInputFile(file).newInput()) {
      in.readFully(0, buffer, 0, length);
    }
    return buffer;
  }
}
