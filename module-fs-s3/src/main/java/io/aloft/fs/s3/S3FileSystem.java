package io.aloft.fs.s3;

import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import io.aloft.spi.fs.OutputFile;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.spi.fs.blob.BlobInputFile;
import io.aloft.spi.fs.blob.RetryBackoff;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The {@code s3://} {@link StateFileSystem}; {@link S3FileSystemProvider} describes how the contract
 * maps onto S3. Thread-safe: the SDK client is, and every other field is final.
 */
final class S3FileSystem implements StateFileSystem {

  /** S3's most keys per ListObjectsV2 page and per DeleteObjects request. */
  static final int S3_BATCH_LIMIT = 1000;

  private final S3Client s3;
  // The client does not close what it was given: the HTTP client and the credentials provider.
  private final List<SdkAutoCloseable> owned;
  private final AwsCredentialsProvider credentials;
  private final S3Errors errors;
  private final RequestCounter requests;
  private final long partSize;
  private final int maxRetries;
  private final int listPageSize;
  private final int deleteBatchSize;

  /**
   * A file system on {@code s3}; {@code owned} (the client first) and {@code credentials}, when it
   * holds resources, are closed with it. {@code listPageSize} and {@code deleteBatchSize} are S3's
   * 1000 but in tests, which reach pagination and batching with few files.
   */
  S3FileSystem(
      S3Client s3,
      List<SdkAutoCloseable> owned,
      AwsCredentialsProvider credentials,
      S3Errors errors,
      RequestCounter requests,
      long partSize,
      int maxRetries,
      int listPageSize,
      int deleteBatchSize) {
    if (listPageSize < 1 || listPageSize > S3_BATCH_LIMIT) {
      throw new IllegalArgumentException("listPageSize must be 1.." + S3_BATCH_LIMIT + ": " + listPageSize);
    }
    if (deleteBatchSize < 1 || deleteBatchSize > S3_BATCH_LIMIT) {
      throw new IllegalArgumentException(
          "deleteBatchSize must be 1.." + S3_BATCH_LIMIT + ": " + deleteBatchSize);
    }
    this.s3 = s3;
    this.owned = List.copyOf(owned);
    this.credentials = credentials;
    this.errors = errors;
    this.requests = requests;
    this.partSize = partSize;
    this.maxRetries = maxRetries;
    this.listPageSize = listPageSize;
    this.deleteBatchSize = deleteBatchSize;
  }

  // --- what the files share -----------------------------------------------------------------------

  S3Client client() {
    return s3;
  }

  S3Errors errors() {
    return errors;
  }

  long partSize() {
    return partSize;
  }

  int maxRetries() {
    return maxRetries;
  }

  /**
   * Sleeps before retry {@code attempt} (1-based) of something the SDK cannot retry itself, like the
   * SDK's own backoff: up to 100 ms, doubling up to 5 s.
   */
  static void backoff(int attempt, Location location) throws InterruptedIOException {
    RetryBackoff.sleep(attempt, 100, 5_000, location);
  }

  /** The bucket of an {@code s3://bucket/key} location. */
  static String bucket(Location location) {
    if (!S3FileSystemProvider.SCHEMES.contains(location.scheme()) || location.authority().isEmpty()) {
      throw new IllegalArgumentException(
          location + " is not an S3 location: expected s3://bucket/key");
    }
    return location.authority();
  }

  /** The object key of a location: its path without the leading {@code /}. */
  static String key(Location location) {
    return location.path().substring(1);
  }

  /** The prefix every key below {@code directory} starts with ({@code ""} for the bucket's root). */
  private static String directoryPrefix(Location directory) {
    String key = key(directory);
    return key.isEmpty() ? "" : key + "/";
  }

  HeadObjectResponse head(Location location) throws IOException {
    try {
      return s3.headObject(b -> b.bucket(bucket(location)).key(key(location)));
    } catch (SdkException e) {
      throw errors.translate(e, "HEAD", location, false);
    }
  }

  // --- StateFileSystem ----------------------------------------------------------------------------

  /** The object's Last-Modified, from a HEAD request. */
  @Override
  public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
    return java.util.Optional.ofNullable(head(location).lastModified());
  }

  @Override
  public InputFile newInputFile(Location location) {
    bucket(location);
    return new S3InputFile(this, location, BlobInputFile.UNKNOWN_LENGTH);
  }

  @Override
  public InputFile newInputFile(Location location, long length) {
    bucket(location);
    return new S3InputFile(this, location, length);
  }

  @Override
  public OutputFile newOutputFile(Location location) {
    bucket(location);
    if (key(location).isEmpty()) {
      throw new IllegalArgumentException(location + " is the bucket's root, not a file");
    }
    return new S3OutputFile(this, location);
  }

  @Override
  public List<FileEntry> list(Location directory) throws IOException {
    String bucket = bucket(directory);
    List<FileEntry> entries = new ArrayList<>();
    try {
      for (ListObjectsV2Response page : listPages(directory)) {
        for (S3Object object : page.contents()) {
          Location file = fileLocation(directory, bucket, object.key());
          if (file != null) {
            entries.add(new FileEntry(file, object.size()));
          }
        }
      }
    } catch (SdkException e) {
      throw errors.translate(e, "LIST", directory, false);
    }
    return entries;
  }

  private Iterable<ListObjectsV2Response> listPages(Location directory) {
    return s3.listObjectsV2Paginator(
        b -> b.bucket(bucket(directory)).prefix(directoryPrefix(directory)).maxKeys(listPageSize));
  }

  /**
   * The location of a listed key, or null for keys that are no Aloft file: "directory" markers other
   * tools leave ({@code dir/}) and keys with empty, {@code .} or {@code ..} segments.
   */
  private static Location fileLocation(Location directory, String bucket, String key) {
    if (key.endsWith("/")) {
      return null;
    }
    try {
      return new Location(directory.scheme(), bucket, "/" + key);
    } catch (IllegalArgumentException notRepresentable) {
      return null;
    }
  }

  @Override
  public void delete(Location location) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(bucket(location)).key(key(location)));
    } catch (SdkException e) {
      if (S3Errors.hasStatus(e, BlobErrors.NOT_FOUND) && S3Errors.errorCode(e).equals("NoSuchKey")) {
        return;
      }
      throw errors.translate(e, "DELETE", location, false);
    }
  }

  @Override
  public void deleteFiles(Collection<Location> locations) throws IOException {
    Map<String, List<String>> keysByBucket = new LinkedHashMap<>();
    Map<String, Location> directoryByBucket = new LinkedHashMap<>();
    for (Location location : locations) {
      String bucket = bucket(location);
      keysByBucket.computeIfAbsent(bucket, b -> new ArrayList<>()).add(key(location));
      directoryByBucket.putIfAbsent(bucket, new Location(location.scheme(), bucket, "/"));
    }
    for (Map.Entry<String, List<String>> bucket : keysByBucket.entrySet()) {
      List<String> keys = bucket.getValue();
      for (int from = 0; from < keys.size(); from += deleteBatchSize) {
        deleteBatch(
            directoryByBucket.get(bucket.getKey()),
            keys.subList(from, Math.min(keys.size(), from + deleteBatchSize)));
      }
    }
  }

  @Override
  public void deleteRecursively(Location directory) throws IOException {
    List<String> batch = new ArrayList<>();
    try {
      for (ListObjectsV2Response page : listPages(directory)) {
        for (S3Object object : page.contents()) {
          // Every key goes, markers and odd names included: the directory is to be empty afterwards.
          batch.add(object.key());
          if (batch.size() == deleteBatchSize) {
            deleteBatch(directory, batch);
            batch.clear();
          }
        }
      }
    } catch (SdkException e) {
      throw errors.translate(e, "LIST", directory, false);
    }
    if (!batch.isEmpty()) {
      deleteBatch(directory, batch);
    }
  }

  /**
   * One DeleteObjects request for keys of one bucket; missing keys are not errors. {@code directory}
   * contains them all and names the batch when a key cannot be named itself.
   */
  private void deleteBatch(Location directory, List<String> keys) throws IOException {
    String bucket = bucket(directory);
    List<ObjectIdentifier> objects = new ArrayList<>(keys.size());
    for (String key : keys) {
      objects.add(ObjectIdentifier.builder().key(key).build());
    }
    Location first = nameOf(directory, bucket, keys.get(0));
    DeleteObjectsResponse response;
    try {
      response = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(objects).quiet(true)));
    } catch (SdkException e) {
      throw errors.translate(e, "DELETE of " + keys.size() + " files, the first being", first, false);
    }
    List<S3Error> failures =
        response.errors().stream().filter(error -> !"NoSuchKey".equals(error.code())).toList();
    if (failures.isEmpty()) {
      return;
    }
    S3Error firstFailure = failures.get(0);
    List<BlobErrors.DeleteFailure> described = new ArrayList<>(failures.size());
    for (S3Error f : failures) {
      described.add(new BlobErrors.DeleteFailure(f.key(), f.code(), f.message()));
    }
    throw BlobErrors.deleteFailed(
        nameOf(directory, bucket, firstFailure.key()),
        described,
        keys.size(),
        errors.endpoint(),
        "AccessDenied".equals(firstFailure.code()));
  }

  /** The location of {@code key} for messages, or {@code directory} if no location can name it. */
  private static Location nameOf(Location directory, String bucket, String key) {
    Location file = key == null ? null : fileLocation(directory, bucket, key);
    return file != null ? file : directory;
  }

  @Override
  public boolean supportsFastCopy() {
    return true;
  }

  /** A server-side CopyObject: the bytes never leave the store. Sources up to 5 GiB. */
  @Override
  public void copy(Location source, Location target) throws IOException {
    String targetBucket = bucket(target);
    if (key(target).isEmpty()) {
      throw new IllegalArgumentException(target + " is the bucket's root, not a file");
    }
    try {
      s3.copyObject(
          b ->
              b.sourceBucket(bucket(source))
                  .sourceKey(key(source))
                  .destinationBucket(targetBucket)
                  .destinationKey(key(target)));
    } catch (SdkException e) {
      throw errors.translate(e, "COPY to " + target + " from", source, false);
    }
  }

  /** HTTP requests sent, by S3 operation; every attempt counts. */
  @Override
  public Map<String, Long> requestCounts() {
    return requests.snapshot();
  }

  @Override
  public void close() {
    closeAll(owned, credentials);
  }

  /** Closes each of {@code resources}, then {@code credentials} if it holds any; failures are joined. */
  static void closeAll(List<SdkAutoCloseable> resources, AwsCredentialsProvider credentials) {
    RuntimeException failure = null;
    List<Object> all = new ArrayList<>(resources);
    all.add(credentials);
    for (Object resource : all) {
      if (resource instanceof SdkAutoCloseable closeable) {
        try {
          closeable.close();
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "S3FileSystem[" + errors.endpoint() + "]";
  }
}
