package io.aloft.fs.azure;

import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.spi.fs.blob.BlobInputFile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Azure Blob {@link StateFileSystem}; {@link AzureBlobFileSystemProvider} describes how the contract
 * maps onto Azure. Thread-safe: the SDK clients are, the delete pool is, and every other field is final.
 */
final class AzureBlobFileSystem implements StateFileSystem {

  /** Azure's most blobs per List Blobs page. */
  static final int LIST_PAGE_LIMIT = 5000;

  /** Metadata that marks a directory entry of an account with a hierarchical namespace. */
  static final String FOLDER_MARKER = "hdi_isfolder";

  private static final Duration COPY_POLL_INTERVAL = Duration.ofMillis(200);
  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);
  private static final AtomicInteger FILE_SYSTEMS = new AtomicInteger();

  private final AzureClients clients;
  private final long blockSize;
  private final int maxRetries;
  private final int listPageSize;
  private final ExecutorService deletes;

  AzureBlobFileSystem(
      AzureClients clients, long blockSize, int maxRetries, int maxConcurrency, int listPageSize) {
    if (listPageSize < 1 || listPageSize > LIST_PAGE_LIMIT) {
      throw new IllegalArgumentException("listPageSize must be 1.." + LIST_PAGE_LIMIT + ": " + listPageSize);
    }
    this.clients = clients;
    this.blockSize = blockSize;
    this.maxRetries = maxRetries;
    this.listPageSize = listPageSize;
    int id = FILE_SYSTEMS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "aloft-azure-" + id + "-delete-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            maxConcurrency, maxConcurrency, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    pool.allowCoreThreadTimeOut(true);
    this.deletes = pool;
  }

  // --- what the files share -----------------------------------------------------------------------

  long blockSize() {
    return blockSize;
  }

  int maxRetries() {
    return maxRetries;
  }

  /** The blob a location names. */
  BlobClient blob(Location location) {
    AzureLocation azure = AzureLocation.of(location);
    return container(azure, location).getBlobClient(azure.blobName());
  }

  private BlobContainerClient container(AzureLocation azure, Location location) {
    return clients.forAccount(azure, location).getBlobContainerClient(azure.container());
  }

  /** The endpoint requests for {@code location} go to, for messages. */
  String endpoint(Location location) {
    return clients.endpoint(AzureLocation.of(location));
  }

  IOException translate(RuntimeException e, String operation, Location location, boolean conditionalCreate) {
    return AzureErrors.translate(e, operation, location, endpoint(location), conditionalCreate);
  }

  /** Get Blob Properties (a HEAD). */
  BlobProperties properties(Location location) throws IOException {
    BlobClient blob = blob(location);
    try {
      return blob.getProperties();
    } catch (RuntimeException e) {
      throw translate(e, "HEAD", location, false);
    }
  }

  /** The blob's Last-Modified, from Get Blob Properties. */
  @Override
  public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
    java.time.OffsetDateTime modified = properties(location).getLastModified();
    return java.util.Optional.ofNullable(modified == null ? null : modified.toInstant());
  }

  private static void requireFile(AzureLocation azure, Location location) {
    if (azure.blobName().isEmpty()) {
      throw new IllegalArgumentException(location + " is the container's root, not a file");
    }
  }

  // --- StateFileSystem ----------------------------------------------------------------------------

  @Override
  public InputFile newInputFile(Location location) {
    blob(location); // a malformed location, or one of an account the endpoint does not serve, fails here
    return new AzureInputFile(this, location, BlobInputFile.UNKNOWN_LENGTH);
  }

  @Override
  public InputFile newInputFile(Location location, long length) {
    blob(location);
    return new AzureInputFile(this, location, length);
  }

  @Override
  public OutputFile newOutputFile(Location location) {
    requireFile(AzureLocation.of(location), location);
    blob(location);
    return new AzureOutputFile(this, location);
  }

  @Override
  public List<FileEntry> list(Location directory) throws IOException {
    List<FileEntry> entries = new ArrayList<>();
    for (BlobItem item : listAll(directory)) {
      if (isFolder(item)) {
        continue;
      }
      Location file = fileLocation(directory, item.getName());
      if (file != null) {
        entries.add(new FileEntry(file, item.getProperties().getContentLength()));
      }
    }
    return entries;
  }

  /** Every blob below {@code directory}, page by page (List Blobs with metadata, flat). */
  private List<BlobItem> listAll(Location directory) throws IOException {
    AzureLocation azure = AzureLocation.of(directory);
    ListBlobsOptions options =
        new ListBlobsOptions()
            .setPrefix(azure.directoryPrefix())
            .setMaxResultsPerPage(listPageSize)
            .setDetails(new BlobListDetails().setRetrieveMetadata(true));
    List<BlobItem> items = new ArrayList<>();
    try {
      for (BlobItem item : container(azure, directory).listBlobs(options, null)) {
        items.add(item);
      }
    } catch (RuntimeException e) {
      throw translate(e, "LIST", directory, false);
    }
    return items;
  }

  private static boolean isFolder(BlobItem item) {
    Map<String, String> metadata = item.getMetadata();
    return metadata != null && "true".equalsIgnoreCase(metadata.get(FOLDER_MARKER));
  }

  /**
   * The location of a listed blob, or null for names that are no Aloft file: "directory" markers other
   * tools leave ({@code dir/}) and names with empty, {@code .} or {@code ..} segments.
   */
  private static Location fileLocation(Location directory, String blobName) {
    if (blobName.endsWith("/")) {
      return null;
    }
    try {
      return new Location(directory.scheme(), directory.authority(), "/" + blobName);
    } catch (IllegalArgumentException notRepresentable) {
      return null;
    }
  }

  @Override
  public void delete(Location location) throws IOException {
    delete(new Doomed(location, blob(location)));
  }

  /** A blob to delete, and the location that names it in messages. */
  private record Doomed(Location location, BlobClient blob) {}

  private void delete(Doomed doomed) throws IOException {
    try {
      doomed.blob().deleteIfExists();
    } catch (RuntimeException e) {
      throw translate(e, "DELETE", doomed.location(), false);
    }
  }

  /** Deletes the files with up to {@code azure.max-concurrency} requests in flight. */
  @Override
  public void deleteFiles(Collection<Location> locations) throws IOException {
    List<Doomed> doomed = new ArrayList<>(locations.size());
    for (Location location : locations) {
      doomed.add(new Doomed(location, blob(location))); // a malformed location fails before any delete
    }
    deleteConcurrently(doomed);
  }

  @Override
  public void deleteRecursively(Location directory) throws IOException {
    AzureLocation azure = AzureLocation.of(directory);
    BlobContainerClient container = container(azure, directory);
    List<Doomed> files = new ArrayList<>();
    List<Doomed> folders = new ArrayList<>();
    for (BlobItem item : listAll(directory)) {
      // Every blob goes, markers and odd names included: the directory is to be empty afterwards.
      Location named = fileLocation(directory, item.getName());
      Doomed doomed =
          new Doomed(named == null ? directory : named, container.getBlobClient(item.getName()));
      (isFolder(item) ? folders : files).add(doomed);
    }
    deleteConcurrently(files);
    // A hierarchical namespace refuses to delete a directory before its contents: deepest first.
    folders.sort(
        Comparator.comparingInt((Doomed d) -> d.blob().getBlobName().length()).reversed());
    for (Doomed folder : folders) {
      delete(folder);
    }
  }

  private void deleteConcurrently(List<Doomed> doomed) throws IOException {
    if (doomed.size() == 1) {
      delete(doomed.get(0));
      return;
    }
    List<Future<?>> pending = new ArrayList<>(doomed.size());
    for (Doomed d : doomed) {
      pending.add(
          deletes.submit(
              () -> {
                delete(d);
                return null;
              }));
    }
    IOException failure = null;
    int failed = 0;
    for (Future<?> future : pending) {
      try {
        future.get();
      } catch (InterruptedException e) {
        pending.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted =
            new InterruptedIOException("interrupted while deleting " + doomed.size() + " files");
        interrupted.initCause(e);
        throw interrupted;
      } catch (ExecutionException e) {
        failed++;
        IOException cause =
            e.getCause() instanceof IOException io
                ? io
                : new IOException(e.getCause().toString(), e.getCause());
        if (failure == null) {
          failure = cause;
        } else if (failed <= 3) {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      if (failed > 1) {
        failure.addSuppressed(
            new IOException("DELETE failed for " + failed + " of " + doomed.size() + " files"));
      }
      throw failure;
    }
  }

  @Override
  public boolean supportsFastCopy() {
    return true;
  }

  /**
   * A server-side Copy Blob within one account, waiting for the copy to finish; across accounts, the
   * bytes stream through this process.
   */
  @Override
  public void copy(Location source, Location target) throws IOException {
    AzureLocation from = AzureLocation.of(source);
    AzureLocation to = AzureLocation.of(target);
    requireFile(to, target);
    if (clients.forAccount(from, source) != clients.forAccount(to, target)) {
      StateFileSystem.copy(this, source, this, target);
      return;
    }
    BlobClient sourceBlob = blob(source);
    BlobClient targetBlob = blob(target);
    String operation = "COPY to " + target + " from";
    PollResponse<BlobCopyInfo> done;
    try {
      SyncPoller<BlobCopyInfo, Void> poller =
          targetBlob.beginCopy(
              new BlobBeginCopyOptions(clients.sourceUrl(sourceBlob)).setPollInterval(COPY_POLL_INTERVAL));
      done = poller.waitForCompletion(COPY_TIMEOUT);
    } catch (RuntimeException e) {
      throw translate(e, operation, source, false);
    }
    if (done.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
      BlobCopyInfo info = done.getValue();
      CopyStatusType status = info == null ? null : info.getCopyStatus();
      throw new IOException(
          operation + " " + source + " did not complete at " + endpoint(target) + ": status " + status
              + (info == null || info.getError() == null ? "" : " (" + info.getError() + ")"));
    }
  }

  @Override
  public void close() {
    deletes.shutdownNow();
  }

  @Override
  public String toString() {
    return "AzureBlobFileSystem[" + clients + "]";
  }
}
