package io.aloft.fs.gcs;

import com.google.api.client.googleapis.batch.BatchRequest;
import com.google.api.client.googleapis.batch.json.JsonBatchCallback;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.services.storage.Storage;
import com.google.api.services.storage.StorageRequest;
import com.google.api.services.storage.model.Objects;
import com.google.api.services.storage.model.RewriteResponse;
import com.google.api.services.storage.model.StorageObject;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.blob.BlobErrors;
import io.aloft.spi.fs.OutputFile;
import io.aloft.spi.fs.StateFileSystem;
import io.aloft.spi.fs.blob.BlobInputFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code gs://} {@link StateFileSystem}; {@link GcsFileSystemProvider} describes how the contract
 * maps onto Cloud Storage. Thread-safe: the generated client is, and every field is final.
 */
final class GcsFileSystem implements StateFileSystem {

  /** The most objects one {@code objects.list} page returns. */
  static final int LIST_PAGE_LIMIT = 1000;

  /** The most calls one JSON-API batch request carries. */
  static final int BATCH_LIMIT = 100;

  private final Storage storage;
  private final GcsErrors errors;
  private final GcsRetries retries;
  private final Optional<String> userProject;
  private final long chunkSize;
  private final int listPageSize;
  private final int deleteBatchSize;

  /**
   * A file system on {@code storage}. {@code listPageSize} and {@code deleteBatchSize} are the store's
   * limits but in tests, which reach pagination and batching with few files.
   */
  GcsFileSystem(
      Storage storage,
      GcsErrors errors,
      GcsRetries retries,
      Optional<String> userProject,
      long chunkSize,
      int listPageSize,
      int deleteBatchSize) {
    if (listPageSize < 1 || listPageSize > LIST_PAGE_LIMIT) {
      throw new IllegalArgumentException("listPageSize must be 1.." + LIST_PAGE_LIMIT + ": " + listPageSize);
    }
    if (deleteBatchSize < 1 || deleteBatchSize > BATCH_LIMIT) {
      throw new IllegalArgumentException("deleteBatchSize must be 1.." + BATCH_LIMIT + ": " + deleteBatchSize);
    }
    this.storage = storage;
    this.errors = errors;
    this.retries = retries;
    this.userProject = userProject;
    this.chunkSize = chunkSize;
    this.listPageSize = listPageSize;
    this.deleteBatchSize = deleteBatchSize;
  }

  // --- what the files share -----------------------------------------------------------------------

  Storage storage() {
    return storage;
  }

  GcsErrors errors() {
    return errors;
  }

  GcsRetries retries() {
    return retries;
  }

  Optional<String> userProject() {
    return userProject;
  }

  long chunkSize() {
    return chunkSize;
  }

  /**
   * A request as every request goes out: billed to {@code gcs.project-id} when set, and with its body
   * sent as is — SST blocks are compressed already, and gzip would cost CPU for nothing.
   */
  <R extends StorageRequest<?>> R prepare(R request) {
    userProject.ifPresent(project -> request.set("userProject", project));
    request.setDisableGZipContent(true);
    return request;
  }

  /** The bucket of a {@code gs://bucket/name} location. */
  static String bucket(Location location) {
    if (!GcsFileSystemProvider.SCHEMES.contains(location.scheme()) || location.authority().isEmpty()) {
      throw new IllegalArgumentException(location + " is not a GCS location: expected gs://bucket/name");
    }
    return location.authority();
  }

  /** The object name of a location: its path without the leading {@code /}. */
  static String objectName(Location location) {
    return location.path().substring(1);
  }

  /** The prefix every name below {@code directory} starts with ({@code ""} for the bucket's root). */
  private static String directoryPrefix(Location directory) {
    String name = objectName(directory);
    return name.isEmpty() ? "" : name + "/";
  }

  /** The object's size, generation and metadata; {@code NoSuchFileException} when it is absent. */
  StorageObject metadata(Location location) throws IOException {
    return retries.call(
        "GET METADATA of",
        location,
        () ->
            prepare(storage.objects().get(bucket(location), objectName(location)))
                .setFields("name,size,generation,metadata")
                .execute());
  }

  // --- StateFileSystem ----------------------------------------------------------------------------

  /** The object's {@code updated} time (its generation's creation), from an objects.get of that field. */
  @Override
  public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
    StorageObject object =
        retries.call(
            "GET METADATA of",
            location,
            () ->
                prepare(storage.objects().get(bucket(location), objectName(location)))
                    .setFields("name,updated")
                    .execute());
    return java.util.Optional.ofNullable(
        object.getUpdated() == null ? null : java.time.Instant.ofEpochMilli(object.getUpdated().getValue()));
  }

  @Override
  public InputFile newInputFile(Location location) {
    bucket(location);
    return new GcsInputFile(this, location, BlobInputFile.UNKNOWN_LENGTH);
  }

  @Override
  public InputFile newInputFile(Location location, long length) {
    bucket(location);
    return new GcsInputFile(this, location, length);
  }

  @Override
  public OutputFile newOutputFile(Location location) {
    bucket(location);
    if (objectName(location).isEmpty()) {
      throw new IllegalArgumentException(location + " is the bucket's root, not a file");
    }
    return new GcsOutputFile(this, location);
  }

  @Override
  public List<FileEntry> list(Location directory) throws IOException {
    String bucket = bucket(directory);
    List<FileEntry> entries = new ArrayList<>();
    forEachPage(
        directory,
        page -> {
          for (StorageObject object : page) {
            Location file = fileLocation(directory, bucket, object.getName());
            if (file != null) {
              entries.add(new FileEntry(file, object.getSize().longValueExact()));
            }
          }
        });
    return entries;
  }

  @FunctionalInterface
  private interface PageConsumer {
    void accept(List<StorageObject> page) throws IOException;
  }

  /** Pages through {@code objects.list} of every name below {@code directory}. */
  private void forEachPage(Location directory, PageConsumer consumer) throws IOException {
    String bucket = bucket(directory);
    String prefix = directoryPrefix(directory);
    String pageToken = null;
    do {
      String token = pageToken;
      Objects page =
          retries.call(
              "LIST",
              directory,
              () -> {
                Storage.Objects.List request =
                    prepare(storage.objects().list(bucket))
                        .setMaxResults((long) listPageSize)
                        .setFields("items(name,size),nextPageToken");
                if (!prefix.isEmpty()) {
                  request.setPrefix(prefix);
                }
                if (token != null) {
                  request.setPageToken(token);
                }
                return request.execute();
              });
      consumer.accept(page.getItems() == null ? List.of() : page.getItems());
      pageToken = page.getNextPageToken();
    } while (pageToken != null && !pageToken.isEmpty());
  }

  /**
   * The location of a listed name, or null for names that are no Aloft file: "directory" placeholders
   * other tools leave ({@code dir/}) and names with empty, {@code .} or {@code ..} segments.
   */
  private static Location fileLocation(Location directory, String bucket, String name) {
    if (name.endsWith("/")) {
      return null;
    }
    try {
      return new Location(directory.scheme(), bucket, "/" + name);
    } catch (IllegalArgumentException notRepresentable) {
      return null;
    }
  }

  @Override
  public void delete(Location location) throws IOException {
    String bucket = bucket(location);
    String name = objectName(location);
    retries.call(
        "DELETE",
        location,
        () -> {
          try {
            prepare(storage.objects().delete(bucket, name)).execute();
          } catch (HttpResponseException e) {
            // Absent, or removed by an earlier attempt whose answer was lost.
            if (e.getStatusCode() != BlobErrors.NOT_FOUND) {
              throw e;
            }
          }
          return null;
        });
  }

  @Override
  public void deleteFiles(Collection<Location> locations) throws IOException {
    Map<String, List<String>> namesByBucket = new LinkedHashMap<>();
    Map<String, Location> rootByBucket = new LinkedHashMap<>();
    for (Location location : locations) {
      String bucket = bucket(location);
      namesByBucket.computeIfAbsent(bucket, b -> new ArrayList<>()).add(objectName(location));
      rootByBucket.putIfAbsent(bucket, new Location(location.scheme(), bucket, "/"));
    }
    for (Map.Entry<String, List<String>> bucket : namesByBucket.entrySet()) {
      List<String> names = bucket.getValue();
      for (int from = 0; from < names.size(); from += deleteBatchSize) {
        deleteBatch(
            rootByBucket.get(bucket.getKey()),
            names.subList(from, Math.min(names.size(), from + deleteBatchSize)));
      }
    }
  }

  @Override
  public void deleteRecursively(Location directory) throws IOException {
    List<String> batch = new ArrayList<>();
    forEachPage(
        directory,
        page -> {
          for (StorageObject object : page) {
            // Every name goes, placeholders and odd names included: the directory is to be empty.
            batch.add(object.getName());
            if (batch.size() == deleteBatchSize) {
              deleteBatch(directory, batch);
              batch.clear();
            }
          }
        });
    if (!batch.isEmpty()) {
      deleteBatch(directory, batch);
    }
  }

  /** A failed call of a batch: the object name, the HTTP status and the store's message. */
  private record BatchFailure(String name, int status, String message) {}

  /**
   * Deletes {@code names} of one bucket with JSON-API batch requests; absent objects are not errors.
   * Calls that failed transiently go again in the next batch, up to {@code gcs.max-retries} times.
   * {@code directory} contains them all and names the batch when a name cannot be named itself.
   */
  private void deleteBatch(Location directory, List<String> names) throws IOException {
    String bucket = bucket(directory);
    List<String> pending = List.copyOf(names);
    for (int round = 1; ; round++) {
      List<String> current = pending;
      Location first = nameOf(directory, bucket, current.get(0));
      List<BatchFailure> failures =
          retries.call(
              "DELETE of " + current.size() + " files, the first being",
              first,
              () -> sendDeleteBatch(bucket, current));
      List<BatchFailure> permanent =
          failures.stream().filter(f -> !GcsErrors.isTransient(f.status())).toList();
      if (!permanent.isEmpty()) {
        throw batchFailure(directory, bucket, permanent, current.size());
      }
      if (failures.isEmpty()) {
        return;
      }
      if (round > retries.maxRetries()) {
        throw batchFailure(directory, bucket, failures, current.size());
      }
      GcsRetries.backoff(
          round,
          failures.stream().anyMatch(f -> f.status() == BlobErrors.TOO_MANY_REQUESTS),
          directory);
      pending = failures.stream().map(BatchFailure::name).toList();
    }
  }

  /** One batch request deleting {@code names}; returns the calls that failed but for 404. */
  private List<BatchFailure> sendDeleteBatch(String bucket, List<String> names) throws IOException {
    BatchRequest batch = storage.batch(storage.getRequestFactory().getInitializer());
    List<BatchFailure> failures = new ArrayList<>();
    for (String name : names) {
      prepare(storage.objects().delete(bucket, name))
          .queue(
              batch,
              new JsonBatchCallback<Void>() {
                @Override
                public void onSuccess(Void ignored, HttpHeaders headers) {}

                @Override
                public void onFailure(GoogleJsonError error, HttpHeaders headers) {
                  if (error.getCode() != BlobErrors.NOT_FOUND) {
                    failures.add(new BatchFailure(name, error.getCode(), error.getMessage()));
                  }
                }
              });
    }
    batch.execute();
    return failures;
  }

  private IOException batchFailure(
      Location directory, String bucket, List<BatchFailure> failures, int total) {
    BatchFailure firstFailure = failures.get(0);
    List<BlobErrors.DeleteFailure> described = new ArrayList<>(failures.size());
    for (BatchFailure f : failures) {
      described.add(new BlobErrors.DeleteFailure(f.name(), "HTTP " + f.status(), f.message()));
    }
    return BlobErrors.deleteFailed(
        nameOf(directory, bucket, firstFailure.name()),
        described,
        total,
        errors.endpoint(),
        firstFailure.status() == BlobErrors.FORBIDDEN || firstFailure.status() == BlobErrors.UNAUTHORIZED);
  }

  /** The location of {@code name} for messages, or {@code directory} if no location can name it. */
  private static Location nameOf(Location directory, String bucket, String name) {
    Location file = name == null ? null : fileLocation(directory, bucket, name);
    return file != null ? file : directory;
  }

  @Override
  public boolean supportsFastCopy() {
    return true;
  }

  /**
   * A server-side {@code objects.rewrite}: the bytes never leave the store. Large objects (or ones
   * crossing locations or storage classes) take several calls, each resuming with the rewrite token the
   * last one returned.
   */
  @Override
  public void copy(Location source, Location target) throws IOException {
    String targetBucket = bucket(target);
    if (objectName(target).isEmpty()) {
      throw new IllegalArgumentException(target + " is the bucket's root, not a file");
    }
    String sourceBucket = bucket(source);
    String rewriteToken = null;
    boolean done;
    do {
      String token = rewriteToken;
      RewriteResponse response =
          retries.call(
              "COPY to " + target + " from",
              source,
              () -> {
                Storage.Objects.Rewrite rewrite =
                    prepare(
                        storage.objects()
                            .rewrite(
                                sourceBucket, objectName(source), targetBucket, objectName(target), null))
                        .setFields("done,rewriteToken,totalBytesRewritten");
                if (token != null) {
                  rewrite.setRewriteToken(token);
                }
                return rewrite.execute();
              });
      done = Boolean.TRUE.equals(response.getDone());
      rewriteToken = response.getRewriteToken();
      if (!done && (rewriteToken == null || rewriteToken.isEmpty())) {
        throw new GcsRetries.PermanentFailure(
            "COPY to " + target + " from " + source + ": " + errors.endpoint()
                + " answered an unfinished rewrite without a rewrite token");
      }
    } while (!done);
  }

  @Override
  public void close() throws IOException {
    storage.getRequestFactory().getTransport().shutdown();
  }

  @Override
  public String toString() {
    return "GcsFileSystem[" + errors.endpoint() + "]";
  }
}
