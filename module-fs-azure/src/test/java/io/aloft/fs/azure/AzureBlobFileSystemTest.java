package io.aloft.fs.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.aloft.config.Config;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the conformance suite does not show, against Azurite: block uploads, conditional commits that
 * lose a race, list pages, bulk deletes, server-side copies, directory entries of a hierarchical
 * namespace, both location styles, and the SAS token and connection string credentials.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AzureBlobFileSystemTest {

  private static final String CONTAINER = "provider";
  private static final int BLOCK = 64 * 1024;

  private static AzuriteServer azurite;
  private static AzureBlobFileSystem fs;

  private Location root;

  @BeforeAll
  static void startStore() {
    azurite = AzuriteServer.shared();
    azurite.createContainer(CONTAINER);
    fs =
        AzureBlobFileSystemProvider.open(
            azurite
                .config()
                .with("azure.upload.block-size", "64kb")
                .with("azure.max-concurrency", "4"),
            2);
  }

  @AfterAll
  static void closeFileSystem() {
    if (fs != null) {
      fs.close();
    }
  }

  @BeforeEach
  void freshRoot() {
    root = Location.of(AzuriteServer.wasb(CONTAINER, UUID.randomUUID().toString()));
  }

  // --- writes -------------------------------------------------------------------------------------

  @Test
  void fileLargerThanOneBlockIsStagedInBlocksAndCommittedOnce() throws IOException {
    Location file = root.resolve("large.sst");
    byte[] data = bytes(3 * BLOCK + 100, 1);

    write(fs, file, data);

    BlockBlobClient blob = adminContainer().getBlobClient(blobName(file)).getBlockBlobClient();
    assertThat(blob.listBlocks(BlockListType.COMMITTED).getCommittedBlocks())
        .extracting(Block::getSizeLong)
        .containsExactly((long) BLOCK, (long) BLOCK, (long) BLOCK, 100L);
    assertThat(blob.getProperties().getMetadata()).containsKey(AzureFileOutput.WRITE_ID);
    assertThat(read(fs, file)).isEqualTo(data);
  }

  @Test
  void fileOfExactlyOneBlockIsOnePutBlob() throws IOException {
    Location file = root.resolve("one-block.sst");

    write(fs, file, bytes(BLOCK, 2));

    // Put Blob leaves no block list behind.
    BlockBlobClient blob = adminContainer().getBlobClient(blobName(file)).getBlockBlobClient();
    assertThat(blob.listBlocks(BlockListType.COMMITTED).getCommittedBlocks()).isEmpty();
  }

  @Test
  void exclusiveWriteThatLosesTheRaceAtCloseFailsAsAlreadyExistsAndKeepsTheWinner() throws IOException {
    Location file = root.resolve("MANIFEST-1");
    FileOutput loser = fs.newOutputFile(file).createExclusive();
    loser.write(bytes(10, 3));
    byte[] winner = bytes(20, 4);
    write(fs, file, winner);

    assertThatThrownBy(loser::close)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("If-None-Match");
    assertThat(read(fs, file)).isEqualTo(winner);
  }

  @Test
  void exclusiveBlockUploadThatLosesTheRaceFailsAsAlreadyExistsAndKeepsTheWinner() throws IOException {
    Location file = root.resolve("large-exclusive.sst");
    FileOutput loser = fs.newOutputFile(file).createExclusive();
    loser.write(bytes(2 * BLOCK + 10, 5)); // two blocks staged, the rest buffered
    byte[] winner = bytes(3 * BLOCK, 6);
    write(fs, file, winner);

    assertThatThrownBy(loser::close)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(file.toString());
    assertThat(read(fs, file)).isEqualTo(winner);
  }

  @Test
  void abortedBlockUploadLeavesNoFile() throws IOException {
    Location file = root.resolve("aborted.sst");
    FileOutput out = fs.newOutputFile(file).create();
    out.write(bytes(3 * BLOCK, 7));

    out.abort();

    assertThat(fs.exists(file)).isFalse();
    assertThat(fs.list(root)).isEmpty();
  }

  // --- listing and deleting -----------------------------------------------------------------------

  @Test
  void listingSpansPages() throws IOException {
    List<FileEntry> expected = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Location file = root.resolve("dir-" + (i % 3) + "/" + i + ".sst");
      write(fs, file, bytes(i, i));
      expected.add(new FileEntry(file, i));
    }

    assertThat(fs.list(root)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void deleteRecursivelyRemovesManyFilesConcurrently() throws IOException {
    List<Location> files = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Location file = root.resolve("shared/" + i + ".sst");
      write(fs, file, bytes(10, i));
      files.add(file);
    }
    Location keep = Location.of(AzuriteServer.wasb(CONTAINER, "keep-" + UUID.randomUUID() + ".sst"));
    write(fs, keep, bytes(10, 99));

    fs.deleteRecursively(root);

    assertThat(fs.list(root)).isEmpty();
    assertThat(fs.exists(keep)).isTrue();
  }

  @Test
  void deleteFilesRemovesEachWithConcurrentRequests() throws IOException {
    List<Location> files = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Location file = root.resolve(i + ".sst");
      write(fs, file, bytes(10, i));
      files.add(file);
    }
    files.add(root.resolve("never-written.sst"));

    fs.deleteFiles(files);

    assertThat(fs.list(root)).isEmpty();
  }

  @Test
  void directoryEntriesOfAHierarchicalNamespaceAreNotFilesAndGoWithTheirDirectory()
      throws IOException {
    // An account with a hierarchical namespace lists its directories as empty blobs marked
    // hdi_isfolder=true; Azurite has no such namespace, so the entries are made by hand.
    Location file = root.resolve("dir/sub/1.sst");
    write(fs, file, bytes(10, 1));
    BlobContainerClient container = adminContainer();
    for (String directory : List.of("dir", "dir/sub")) {
      container
          .getBlobClient(blobName(root) + "/" + directory)
          .getBlockBlobClient()
          .uploadWithResponse(
              new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0]))
                  .setMetadata(Map.of(AzureBlobFileSystem.FOLDER_MARKER, "true")),
              null,
              null);
    }

    assertThat(fs.list(root)).containsExactly(new FileEntry(file, 10));

    fs.deleteRecursively(root);

    List<String> left = new ArrayList<>();
    for (BlobItem item :
        container.listBlobs(new ListBlobsOptions().setPrefix(blobName(root) + "/"), null)) {
      left.add(item.getName());
    }
    assertThat(left).isEmpty();
  }

  @Test
  void listOfMissingContainerIsNoSuchFileNamingTheContainer() {
    Location directory = Location.of(AzuriteServer.wasb("no-such-container", "ckp"));

    assertThatThrownBy(() -> fs.list(directory))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(directory.toString())
        .hasMessageContaining("container does not exist");
  }

  // --- copies and locations -----------------------------------------------------------------------

  @Test
  void copyIsAServerSideCopyBlob() throws IOException {
    Location source = root.resolve("source.sst");
    Location target = root.resolve("copies/target.sst");
    byte[] data = bytes(2 * BLOCK, 8);
    write(fs, source, data);

    fs.copy(source, target);

    assertThat(fs.supportsFastCopy()).isTrue();
    BlobProperties properties = adminContainer().getBlobClient(blobName(target)).getProperties();
    assertThat(properties.getCopyId()).as("x-ms-copy-id of a Copy Blob").isNotBlank();
    assertThat(read(fs, target)).isEqualTo(data);
  }

  @Test
  void abfsAndWasbLocationsReachTheSameBlob() throws IOException {
    String path = UUID.randomUUID() + "/both.sst";
    Location abfs =
        Location.of(
            "abfss://" + CONTAINER + "@" + AzuriteServer.ACCOUNT + ".dfs.core.windows.net/" + path);
    Location wasb =
        Location.of(
            "wasbs://" + CONTAINER + "@" + AzuriteServer.ACCOUNT + ".blob.core.windows.net/" + path);
    byte[] data = bytes(100, 9);

    write(fs, abfs, data);

    assertThat(read(fs, wasb)).isEqualTo(data);
    assertThat(fs.list(abfs.parent())).containsExactly(new FileEntry(abfs, 100));
  }

  // --- other credentials --------------------------------------------------------------------------

  @Test
  void sasTokenCredentialReadsWritesAndCopies() throws IOException {
    String sas =
        azurite
            .adminClient()
            .generateAccountSas(
                new AccountSasSignatureValues(
                    OffsetDateTime.now().plusHours(1),
                    AccountSasPermission.parse("rwdlac"),
                    new AccountSasService().setBlobAccess(true),
                    new AccountSasResourceType().setObject(true).setContainer(true)));
    Config config =
        Config.of(Map.of("azure.endpoint", azurite.endpoint(), "azure.sas-token", "?" + sas));
    Location file = root.resolve("sas.sst");
    byte[] data = bytes(1000, 10);

    try (StateFileSystem withSas = new AzureBlobFileSystemProvider().create("wasb", config)) {
      write(withSas, file, data);
      withSas.copy(file, root.resolve("sas-copy.sst"));
      assertThat(read(withSas, root.resolve("sas-copy.sst"))).isEqualTo(data);
      assertThat(withSas.list(root)).hasSize(2);
    }
  }

  @Test
  void connectionStringCredentialReadsAndWrites() throws IOException {
    String connectionString =
        "DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT + ";AccountKey="
            + AzuriteServer.ACCOUNT_KEY + ";BlobEndpoint=" + azurite.endpoint() + ";";
    Config config = Config.of(Map.of("azure.connection-string", connectionString));
    Location file = root.resolve("connection-string.sst");
    byte[] data = bytes(1000, 11);

    try (StateFileSystem withString = new AzureBlobFileSystemProvider().create("abfs", config)) {
      write(withString, file, data);
      assertThat(read(withString, file)).isEqualTo(data);
    }
  }

  @Test
  void wrongAccountKeyIsAccessDeniedNamingTheLocation() throws IOException {
    Config config = azurite.config().with("azure.account-key", "d3Jvbmcta2V5");
    Location file = root.resolve("denied.sst");

    try (StateFileSystem wrong = new AzureBlobFileSystemProvider().create("wasb", config)) {
      assertThatThrownBy(() -> wrong.list(root))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining(root.toString())
          .hasMessageContaining("LIST");
      assertThatThrownBy(() -> write(wrong, file, bytes(10, 12)))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining(file.toString());
    }
  }

  // --- helpers ------------------------------------------------------------------------------------

  private static BlobContainerClient adminContainer() {
    return azurite.adminClient().getBlobContainerClient(CONTAINER);
  }

  private static String blobName(Location location) {
    return location.path().substring(1);
  }

  private static void write(StateFileSystem target, Location file, byte[] data) throws IOException {
    FileOutput out = target.newOutputFile(file).create();
    out.write(data);
    out.close();
  }

  private static byte[] read(StateFileSystem source, Location file) throws IOException {
    int length = (int) source.newInputFile(file).length();
    byte[] data = new byte[length];
    try (FileInput in = source.newInputFile(file).newInput()) {
      in.readFully(0, data, 0, length);
    }
    return data;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] data = new byte[n];
    new Random(seed).nextBytes(data);
    return data;
  }
}
