package io.aloft.fs.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * What the S3 provider does beyond the shared contract, against S3Proxy: multipart uploads and their
 * exclusive and aborted forms, paginated listing, batched deletes, server-side copy. The file system
 * here uses S3's smallest part (5 MiB), list pages of 2 keys and delete batches of 3.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class S3FileSystemTest {

  private static final String BUCKET = "provider";
  private static final int PART = 5 * 1024 * 1024;

  private static S3ProxyServer proxy;
  private static S3FileSystem fs;
  private static S3Client admin;

  private Location root;

  @BeforeAll
  static void start() {
    proxy = S3ProxyServer.shared();
    proxy.createBucket(BUCKET);
    fs = S3FileSystemProvider.open(proxy.config().with("s3.upload.part-size", "5mb"), 2, 3);
    admin = proxy.adminClient();
  }

  @AfterAll
  static void stop() {
    if (fs != null) {
      fs.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @BeforeEach
  void freshRoot() {
    root = Location.of("s3://" + BUCKET + "/" + UUID.randomUUID());
  }

  // --- multipart uploads --------------------------------------------------------------------------

  @Test
  void fileLargerThanOnePartIsAMultipartUploadThatReadsBackExactly() throws IOException {
    Location file = root.resolve("large.sst");
    byte[] data = bytes(2 * PART + 12_345, 1);

    writeInChunks(fs.newOutputFile(file).create(), data).close();

    assertThat(etag(file)).as("multipart ETags end in -<parts>").endsWith("-3\"");
    assertThat(fs.newInputFile(file).length()).isEqualTo(data.length);
    assertThat(read(file, data.length)).isEqualTo(data);
    assertThat(pendingUploads()).isEmpty();
  }

  @Test
  void fileOfExactlyOnePartIsOnePut() throws IOException {
    Location file = root.resolve("one-part.sst");
    byte[] data = bytes(PART, 2);

    writeInChunks(fs.newOutputFile(file).create(), data).close();

    assertThat(etag(file)).doesNotContain("-");
    assertThat(read(file, data.length)).isEqualTo(data);
  }

  @Test
  void multipartFileIsInvisibleUntilClosed() throws IOException {
    Location file = root.resolve("large.sst");
    FileOutput out = writeInChunks(fs.newOutputFile(file).create(), bytes(PART + 1, 3));

    assertThat(pendingUploads()).hasSize(1);
    assertThat(fs.exists(file)).isFalse();
    assertThat(fs.list(root)).isEmpty();

    out.close();
    assertThat(fs.list(root)).containsExactly(new FileEntry(file, PART + 1));
  }

  @Test
  void abortedMultipartUploadLeavesNeitherFileNorUpload() throws IOException {
    Location file = root.resolve("large.sst");
    FileOutput out = writeInChunks(fs.newOutputFile(file).create(), bytes(PART + 1000, 4));
    assertThat(pendingUploads()).hasSize(1);

    out.abort();

    assertThat(pendingUploads()).isEmpty();
    assertThat(fs.exists(file)).isFalse();
  }

  @Test
  void exclusiveMultipartUploadLosingAtCloseFailsKeepsWinnerAndLeavesNoUpload() throws IOException {
    Location file = root.resolve("MANIFEST-1");
    FileOutput loser = writeInChunks(fs.newOutputFile(file).createExclusive(), bytes(PART + 7, 5));
    byte[] winner = bytes(100, 6);
    writeInChunks(fs.newOutputFile(file).createExclusive(), winner).close();

    assertThatThrownBy(loser::close)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());
    loser.abort();

    assertThat(read(file, winner.length)).isEqualTo(winner);
    assertThat(pendingUploads()).isEmpty();
  }

  @Test
  void exclusivePutLosingAtCloseFailsAndKeepsWinner() throws IOException {
    Location file = root.resolve("MANIFEST-2");
    FileOutput loser = writeInChunks(fs.newOutputFile(file).createExclusive(), bytes(10, 7));
    byte[] winner = bytes(20, 8);
    writeInChunks(fs.newOutputFile(file).createExclusive(), winner).close();

    assertThatThrownBy(loser::close)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());

    assertThat(read(file, winner.length)).isEqualTo(winner);
  }

  @Test
  void exclusiveCreateOfExistingFileFailsBeforeWriting() throws IOException {
    Location file = root.resolve("MANIFEST-3");
    writeInChunks(fs.newOutputFile(file).create(), bytes(10, 9)).close();

    assertThatThrownBy(() -> fs.newOutputFile(file).createExclusive())
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());
  }

  // --- reads --------------------------------------------------------------------------------------

  @Test
  void readTailWithKnownLengthReadsLastBytes() throws IOException {
    Location file = root.resolve("a.sst");
    byte[] data = bytes(5000, 10);
    writeInChunks(fs.newOutputFile(file).create(), data).close();

    byte[] tail = new byte[64];
    int n;
    try (FileInput in = fs.newInputFile(file, data.length).newInput()) {
      n = in.readTail(tail, 0, 64);
    }

    assertThat(n).isEqualTo(64);
    assertThat(tail).isEqualTo(Arrays.copyOfRange(data, 5000 - 64, 5000));
  }

  @Test
  void readPastEndLearntFromTailFailsWithoutRequest() throws IOException {
    Location file = root.resolve("a.sst");
    writeInChunks(fs.newOutputFile(file).create(), bytes(100, 11)).close();

    try (FileInput in = fs.newInputFile(file).newInput()) {
      in.readTail(new byte[10], 0, 10);
      fs.delete(file); // a read that reached the store would now be NoSuchFile, not EOF
      assertThatThrownBy(() -> in.readFully(95, new byte[10], 0, 10))
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("95")
          .hasMessageContaining("ends at 100");
    }
  }

  // --- listing and deleting -----------------------------------------------------------------------

  @Test
  void listingPagesThroughEveryKey() throws IOException {
    List<FileEntry> written = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Location file = root.resolve("dir/f" + i);
      writeInChunks(fs.newOutputFile(file).create(), bytes(i, 12)).close();
      written.add(new FileEntry(file, i));
    }

    assertThat(fs.list(root.resolve("dir"))).containsExactlyInAnyOrderElementsOf(written);
  }

  @Test
  void listingSkipsDirectoryMarkersOfOtherTools() throws IOException {
    Location file = root.resolve("dir/a");
    writeInChunks(fs.newOutputFile(file).create(), bytes(3, 13)).close();
    admin.putObject(b -> b.bucket(BUCKET).key(S3FileSystem.key(root) + "/dir/sub/"), RequestBody.empty());

    assertThat(fs.list(root)).containsExactly(new FileEntry(file, 3));

    fs.deleteRecursively(root);
    assertThat(admin.listObjectsV2(b -> b.bucket(BUCKET).prefix(S3FileSystem.key(root) + "/")).contents())
        .as("markers go with the directory")
        .isEmpty();
  }

  @Test
  void deleteFilesRemovesManyInBatches() throws IOException {
    List<Location> files = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Location file = root.resolve("f" + i);
      writeInChunks(fs.newOutputFile(file).create(), bytes(1, 14)).close();
      files.add(file);
    }
    Location kept = root.resolve("kept");
    writeInChunks(fs.newOutputFile(kept).create(), bytes(1, 15)).close();
    files.add(root.resolve("missing"));

    fs.deleteFiles(files);

    assertThat(fs.list(root)).containsExactly(new FileEntry(kept, 1));
  }

  @Test
  void deleteRecursivelyRemovesMoreFilesThanOneBatch() throws IOException {
    for (int i = 0; i < 8; i++) {
      writeInChunks(fs.newOutputFile(root.resolve("dir/sub" + (i % 3) + "/f" + i)).create(), bytes(1, 16))
          .close();
    }

    fs.deleteRecursively(root.resolve("dir"));

    assertThat(fs.list(root)).isEmpty();
  }

  // --- copying ------------------------------------------------------------------------------------

  @Test
  void copyIsServerSideAndKeepsSpecialCharacters() throws IOException {
    Location source = root.resolve("key=value/a b+c%20d.sst");
    Location target = root.resolve("copies/é ü+%2F.sst");
    byte[] data = bytes(1000, 17);
    writeInChunks(fs.newOutputFile(source).create(), data).close();

    assertThat(fs.supportsFastCopy()).isTrue();
    fs.copy(source, target);

    assertThat(read(target, data.length)).isEqualTo(data);
  }

  @Test
  void copyOfMultipartFileKeepsEveryByte() throws IOException {
    Location source = root.resolve("large.sst");
    byte[] data = bytes(PART + 99, 18);
    writeInChunks(fs.newOutputFile(source).create(), data).close();

    fs.copy(source, root.resolve("copy.sst"));

    assertThat(read(root.resolve("copy.sst"), data.length)).isEqualTo(data);
  }

  // --- schemes ------------------------------------------------------------------------------------

  @Test
  void s3aLocationsReachTheSameObjects() throws IOException {
    Location file = root.resolve("a.sst");
    byte[] data = bytes(10, 19);
    writeInChunks(fs.newOutputFile(file).create(), data).close();
    Location s3a = new Location("s3a", file.authority(), file.path());

    try (StateFileSystem viaS3a = new S3FileSystemProvider().create("s3a", proxy.config())) {
      assertThat(viaS3a.newInputFile(s3a).length()).isEqualTo(10);
      assertThat(viaS3a.list(new Location("s3a", root.authority(), root.path())))
          .containsExactly(new FileEntry(s3a, 10));
    }
  }

  @Test
  void locationWithoutBucketIsRejected() {
    assertThatThrownBy(() -> fs.newInputFile(Location.of("s3:///key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3://bucket/key");
  }

  @Test
  void missingBucketIsNoSuchFileNamingTheBucket() {
    Location file = Location.of("s3://no-such-bucket/a.sst");

    assertThatThrownBy(() -> fs.list(Location.of("s3://no-such-bucket/dir")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("no-such-bucket");
    assertThatThrownBy(() -> writeInChunks(fs.newOutputFile(file).create(), bytes(1, 20)).close())
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("bucket 'no-such-bucket' does not exist");
  }

  // --- helpers ------------------------------------------------------------------------------------

  private static FileOutput writeInChunks(FileOutput out, byte[] data) throws IOException {
    Random chunks = new Random(data.length);
    int written = 0;
    while (written < data.length) {
      int n = Math.min(data.length - written, 1 + chunks.nextInt(1 << 20));
      out.write(data, written, n);
      written += n;
    }
    return out;
  }

  private static byte[] read(Location file, int length) throws IOException {
    byte[] data = new byte[length];
    try (FileInput in = fs.newInputFile(file).newInput()) {
      in.readFully(0, data, 0, length);
    }
    return data;
  }

  private static String etag(Location file) {
    return admin.headObject(b -> b.bucket(BUCKET).key(S3FileSystem.key(file))).eTag();
  }

  private List<String> pendingUploads() {
    return admin
        .listMultipartUploads(b -> b.bucket(BUCKET).prefix(S3FileSystem.key(root) + "/"))
        .uploads()
        .stream()
        .map(MultipartUpload::key)
        .toList();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] data = new byte[n];
    new Random(seed).nextBytes(data);
    return data;
  }
}
