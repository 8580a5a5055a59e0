package io.aloft.fs.s3;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.config.MemorySize;
import io.aloft.spi.fs.Endpoints;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.StateFileSystem;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The {@code s3://} (and {@code s3a://}) storage provider: Amazon S3 and S3-compatible stores (MinIO,
 * Ceph RGW, S3Proxy, …) through the AWS SDK for Java v2. A location's authority is the bucket and its
 * path the object key: {@code s3://bucket/ckp/shared/1.sst} is key {@code ckp/shared/1.sst}.
 *
 * <p>How the storage contract maps onto S3:
 *
 * <ul>
 *   <li>Reads are ranged GETs; {@code readTail} is one suffix-range GET ({@code bytes=-N}), so a reader
 *       learns a file's footer without a HEAD. {@code length()} is a HEAD, skipped when the length is
 *       passed to {@code newInputFile(location, length)}.
 *   <li>Writes are buffered in memory up to {@link #UPLOAD_PART_SIZE}. A file that fits is one PUT at
 *       close; a larger one becomes a multipart upload whose parts are sent as the buffer fills, so memory
 *       stays bounded however large the file. The object appears only when the PUT or the
 *       CompleteMultipartUpload succeeds; {@code abort()} aborts the multipart upload.
 *   <li>An exclusive create sends {@code If-None-Match: *} on the PUT or on CompleteMultipartUpload: the
 *       store decides atomically, and its {@code 412 Precondition Failed} becomes
 *       {@link java.nio.file.FileAlreadyExistsException}.
 *   <li>{@code copy} is a server-side CopyObject (objects up to 5 GiB); {@code deleteFiles} and
 *       {@code deleteRecursively} use DeleteObjects in batches of 1000; {@code list} pages through
 *       ListObjectsV2.
 *   <li>Throttling, 5xx answers, timeouts and broken connections are retried by the SDK up to
 *       {@link #MAX_RETRIES} times with jittered exponential backoff (100 ms doubling to 5 s; 500 ms to
 *       20 s when throttled); a response body that breaks off mid-read is re-requested the same number of
 *       times. Errors that escape name the location: 404 is {@link java.nio.file.NoSuchFileException},
 *       403 is {@link java.nio.file.AccessDeniedException} naming the operation, and an unreachable
 *       endpoint is an {@link java.io.IOException} naming the endpoint.
 * </ul>
 *
 * <p>Credentials are {@link #ACCESS_KEY} and {@link #SECRET_KEY} when both are set, else the SDK's
 * default chain (environment, system properties, profile, container and instance roles).
 */
public final class S3FileSystemProvider implements FileSystemProvider {

  /** The schemes served: {@code s3}, and {@code s3a} for locations written for Hadoop's S3A. */
  public static final Set<String> SCHEMES = Set.of("s3", "s3a");

  public static final ConfigOption<String> ENDPOINT =
      ConfigOption.string(
          "s3.endpoint",
          null,
          "Endpoint URI of an S3-compatible store, e.g. http://127.0.0.1:9000. Default: Amazon S3 in"
              + " s3.region.");

  public static final ConfigOption<Boolean> ALLOW_INSECURE_HTTP =
      ConfigOption.bool(
          "s3.allow-insecure-http",
          false,
          "Allow a plain http:// s3.endpoint on a host other than loopback while s3.access-key and"
              + " s3.secret-key are set (requests then travel unencrypted).");

  public static final ConfigOption<Boolean> PATH_STYLE_ACCESS =
      ConfigOption.bool(
          "s3.path-style-access",
          false,
          "Address buckets as endpoint/bucket/key instead of bucket.endpoint/key. Most S3-compatible"
              + " stores need true.");

  public static final ConfigOption<String> REGION =
      ConfigOption.string(
          "s3.region",
          null,
          "AWS region of the buckets, e.g. eu-west-1. Default: us-east-1 when s3.endpoint is set, else the"
              + " SDK's region chain (AWS_REGION, the profile, instance metadata).");

  public static final ConfigOption<String> ACCESS_KEY =
      ConfigOption.string(
          "s3.access-key",
          null,
          "Access key id; set together with s3.secret-key. Default: the SDK's default credential chain.");

  public static final ConfigOption<String> SECRET_KEY =
      ConfigOption.string(
          "s3.secret-key",
          null,
          "Secret access key; set together with s3.access-key. Default: the SDK's default credential"
              + " chain.");

  public static final ConfigOption<Integer> MAX_CONNECTIONS =
      ConfigOption.integer(
          "s3.max-connections",
          64,
          1,
          "Most HTTP connections open to the store at once; requests beyond it wait for a free one"
              + " (up to s3.connection-timeout).");

  public static final ConfigOption<Duration> CONNECTION_TIMEOUT =
      ConfigOption.duration(
          "s3.connection-timeout",
          Duration.ofSeconds(10),
          "Longest wait to open a connection or to get one from the pool. An unreachable endpoint fails"
              + " within about (s3.max-retries + 1) times this.");

  public static final ConfigOption<Duration> REQUEST_TIMEOUT =
      ConfigOption.duration(
          "s3.request-timeout",
          Duration.ofSeconds(60),
          "Longest one attempt of a request may take, and longest silence while reading a response;"
              + " an attempt that exceeds it is retried.");

  public static final ConfigOption<Integer> MAX_RETRIES =
      ConfigOption.integer(
          "s3.max-retries",
          5,
          0,
          100,
          "Retries of a request that failed transiently (throttling, 5xx, timeout, broken connection),"
              + " with jittered exponential backoff from 100 ms up to 5 s (500 ms up to 20 s when"
              + " throttled).");

  public static final ConfigOption<MemorySize> UPLOAD_PART_SIZE =
      ConfigOption.memory(
          "s3.upload.part-size",
          MemorySize.ofMebiBytes(8),
          "Bytes a writer buffers in memory: a file up to this size is one PUT, a larger one a multipart"
              + " upload of parts this size (at least 5mb, S3's minimum part). Costs this much heap per"
              + " open writer.");

  /** S3's smallest part of a multipart upload but the last. */
  static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  // Buffers are byte arrays; 1 GiB keeps them allocatable and well under S3's 5 GiB part limit.
  private static final long MAX_PART_SIZE = 1L << 30;

  private static final String DEFAULT_ENDPOINT_REGION = "us-east-1";

  private static final BackoffStrategy BACKOFF =
      BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(5));
  private static final BackoffStrategy THROTTLING_BACKOFF =
      BackoffStrategy.exponentialDelay(Duration.ofMillis(500), Duration.ofSeconds(20));

  private static final List<ConfigOption<?>> OPTIONS =
      List.of(
          ENDPOINT,
          ALLOW_INSECURE_HTTP,
          PATH_STYLE_ACCESS,
          REGION,
          ACCESS_KEY,
          SECRET_KEY,
          MAX_CONNECTIONS,
          CONNECTION_TIMEOUT,
          REQUEST_TIMEOUT,
          MAX_RETRIES,
          UPLOAD_PART_SIZE);

  public S3FileSystemProvider() {}

  @Override
  public Set<String> schemes() {
    return SCHEMES;
  }

  /**
   * Creates an S3 file system from the {@code s3.*} keys. No request is sent: a bucket that is absent
   * or unreachable shows at the first access, naming the location.
   *
   * @throws ConfigException naming the key when a value is malformed, when only one of the access and
   *     secret keys is set, or when no region is configured and the SDK finds none
   * @throws IllegalArgumentException if {@code scheme} is not served
   */
  @Override
  public StateFileSystem create(String scheme, Config config) {
    if (!SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "The S3 provider serves the schemes " + SCHEMES + ", not '" + scheme + "'");
    }
    return open(config, S3FileSystem.S3_BATCH_LIMIT, S3FileSystem.S3_BATCH_LIMIT);
  }

  /** {@link #create} with smaller list pages and delete batches than S3's 1000, for tests. */
  static S3FileSystem open(Config config, int listPageSize, int deleteBatchSize) {
    config.validate("s3.", OPTIONS);
    boolean staticCredentials = config.getOptional(ACCESS_KEY).isPresent();
    Optional<URI> endpoint =
        config
            .getOptional(ENDPOINT)
            .map(
                e ->
                    Endpoints.parse(
                        ENDPOINT.key(), e, staticCredentials, ALLOW_INSECURE_HTTP.key(),
                        config.get(ALLOW_INSECURE_HTTP)));
    long partSize = partSize(config);
    int maxRetries = config.get(MAX_RETRIES);
    Duration connectionTimeout = config.get(CONNECTION_TIMEOUT);
    Duration requestTimeout = config.get(REQUEST_TIMEOUT);

    SdkHttpClient http =
        Apache5HttpClient.builder()
            .maxConnections(config.get(MAX_CONNECTIONS))
            .connectionTimeout(connectionTimeout)
            .connectionAcquisitionTimeout(connectionTimeout)
            .socketTimeout(requestTimeout)
            .build();
    S3Client s3;
    RequestCounter requests = new RequestCounter();
    AwsCredentialsProvider credentials = null;
    try {
      credentials = credentials(config);
      S3ClientBuilder builder =
          S3Client.builder()
              .httpClient(http)
              .credentialsProvider(credentials)
              .forcePathStyle(config.get(PATH_STYLE_ACCESS))
              .overrideConfiguration(
                  o ->
                      o.retryStrategy(
                              AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                  .maxAttempts(maxRetries + 1)
                                  .backoffStrategy(BACKOFF)
                                  .throttlingBackoffStrategy(THROTTLING_BACKOFF)
                                  .build())
                          .apiCallAttemptTimeout(requestTimeout)
                          .addExecutionInterceptor(requests));
      endpoint.ifPresent(builder::endpointOverride);
      Optional<String> region =
          config.getOptional(REGION).or(() -> endpoint.map(e -> DEFAULT_ENDPOINT_REGION));
      region.ifPresent(r -> builder.region(Region.of(r)));
      try {
        s3 = builder.build();
      } catch (SdkClientException e) {
        throw new ConfigException(
            REGION.key(),
            "No region for S3: set '" + REGION.key() + "' (or AWS_REGION): " + e.getMessage(),
            e);
      }
    } catch (RuntimeException e) {
      S3FileSystem.closeAll(List.of(http), credentials);
      throw e;
    }
    String endpointText =
        endpoint.map(URI::toString).orElseGet(() -> "Amazon S3 in " + s3.serviceClientConfiguration().region());
    return new S3FileSystem(
        s3,
        List.of(s3, http),
        credentials,
        new S3Errors(endpointText),
        requests,
        partSize,
        maxRetries,
        listPageSize,
        deleteBatchSize);
  }

  /** The configuration keys this provider reads, all under {@code s3.}. */
  @Override
  public List<ConfigOption<?>> options() {
    return OPTIONS;
  }

  private static long partSize(Config config) {
    long bytes = config.get(UPLOAD_PART_SIZE).bytes();
    if (bytes < MIN_PART_SIZE || bytes > MAX_PART_SIZE) {
      throw new ConfigException(
          UPLOAD_PART_SIZE.key(),
          "Invalid value for '" + UPLOAD_PART_SIZE.key() + "': " + MemorySize.ofBytes(bytes)
              + " (expected from 5mb, S3's smallest part, to 1gb)");
    }
    return bytes;
  }

  private static AwsCredentialsProvider credentials(Config config) {
    Optional<String> accessKey = config.getOptional(ACCESS_KEY);
    Optional<String> secretKey = config.getOptional(SECRET_KEY);
    if (accessKey.isPresent() != secretKey.isPresent()) {
      String missing = accessKey.isPresent() ? SECRET_KEY.key() : ACCESS_KEY.key();
      String set = accessKey.isPresent() ? ACCESS_KEY.key() : SECRET_KEY.key();
      throw new ConfigException(
          missing,
          "'" + set + "' is set but '" + missing + "' is not: set both, or neither to use the SDK's"
              + " default credential chain");
    }
    if (accessKey.isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(accessKey.get(), secretKey.get()));
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
