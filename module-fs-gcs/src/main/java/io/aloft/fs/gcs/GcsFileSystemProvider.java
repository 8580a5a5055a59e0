package io.aloft.fs.gcs;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.storage.Storage;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.config.MemorySize;
import io.aloft.spi.fs.Endpoints;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code gs://} storage provider: Google Cloud Storage through the JSON API, spoken by Google's
 * generated client ({@code google-api-services-storage}) over the JDK's HTTP client. A location's
 * authority is the bucket and its path the object name: {@code gs://bucket/ckp/shared/1.sst} is object
 * {@code ckp/shared/1.sst}.
 *
 * <p>How the storage contract maps onto Cloud Storage:
 *
 * <ul>
 *   <li>Reads are media GETs with a {@code Range} header; {@code readTail} is one suffix range
 *       ({@code bytes=-N}). The first read of a {@code FileInput} learns the object's generation, and
 *       every later read sends {@code ifGenerationMatch}: a reader never mixes bytes of two versions of
 *       a replaced object, it fails naming the location instead. {@code length()} reads the object's
 *       metadata, skipped when the length is passed to {@code newInputFile(location, length)}.
 *   <li>Writes are buffered in memory up to {@link #UPLOAD_CHUNK_SIZE}. A file that fits is one
 *       multipart upload at close; a larger one becomes a resumable upload session whose chunks are sent
 *       as the buffer fills, so memory stays bounded. The object appears only when the upload's last
 *       request succeeds; {@code abort()} cancels the session.
 *   <li>An exclusive create sends {@code ifGenerationMatch=0}, Cloud Storage's does-not-exist
 *       precondition: the store decides atomically, and its {@code 412 Precondition Failed} becomes
 *       {@link java.nio.file.FileAlreadyExistsException}. Every object carries a random write id in its
 *       metadata, so a retried upload whose first attempt landed (its response lost) recognises its own
 *       object rather than failing.
 *   <li>{@code copy} is a server-side {@code objects.rewrite}, repeated with its rewrite token until
 *       done; {@code deleteFiles} and {@code deleteRecursively} send JSON-API batches of up to 100
 *       deletes; {@code list} pages through {@code objects.list}.
 *   <li>Throttling (429), 408, 5xx answers, timeouts and broken connections are retried up to
 *       {@link #MAX_RETRIES} times with jittered exponential backoff (100 ms doubling to 5 s; 500 ms to
 *       20 s when throttled). Errors that escape name the location: 404 is
 *       {@link java.nio.file.NoSuchFileException}, 401 and 403 are
 *       {@link java.nio.file.AccessDeniedException} naming the operation, and an unreachable endpoint is
 *       an {@link java.io.IOException} naming the endpoint.
 * </ul>
 *
 * <p>Credentials: the service-account key file in {@link #CREDENTIALS_FILE} when set, none when
 * {@link #NO_AUTH} (emulators), else Google's application default credentials.
 */
public final class GcsFileSystemProvider implements FileSystemProvider {

  /** The scheme served. */
  public static final Set<String> SCHEMES = Set.of("gs");

  public static final ConfigOption<String> ENDPOINT =
      ConfigOption.string(
          "gcs.endpoint",
          null,
          "Root URI of the Cloud Storage JSON API, e.g. http://127.0.0.1:4443 for an emulator. Default:"
              + " https://storage.googleapis.com.");

  public static final ConfigOption<Boolean> ALLOW_INSECURE_HTTP =
      ConfigOption.bool(
          "gcs.allow-insecure-http",
          false,
          "Allow a plain http:// gcs.endpoint on a host other than loopback while requests carry"
              + " credentials (anything but gcs.no-auth; they then travel unencrypted).");

  public static final ConfigOption<String> PROJECT_ID =
      ConfigOption.string(
          "gcs.project-id",
          null,
          "Google Cloud project billed for the requests (sent as userProject); needed for"
              + " requester-pays buckets, and the caller then needs serviceusage.services.use on it."
              + " Default: none, the bucket's own project pays.");

  public static final ConfigOption<String> CREDENTIALS_FILE =
      ConfigOption.string(
          "gcs.credentials-file",
          null,
          "Path of a service-account key file (JSON). Default: application default credentials"
              + " (GOOGLE_APPLICATION_CREDENTIALS, gcloud's user credentials, the metadata server).");

  public static final ConfigOption<Boolean> NO_AUTH =
      ConfigOption.bool(
          "gcs.no-auth",
          false,
          "Send requests without credentials, for emulators and public buckets. Cannot be combined"
              + " with gcs.credentials-file.");

  public static final ConfigOption<Duration> CONNECTION_TIMEOUT =
      ConfigOption.duration(
          "gcs.connection-timeout",
          Duration.ofSeconds(10),
          "Longest wait to open a connection. An unreachable endpoint fails within about"
              + " (gcs.max-retries + 1) times this.");

  public static final ConfigOption<Duration> REQUEST_TIMEOUT =
      ConfigOption.duration(
          "gcs.request-timeout",
          Duration.ofSeconds(60),
          "Longest silence while waiting for or reading a response; an attempt that exceeds it is"
              + " retried.");

  public static final ConfigOption<Integer> MAX_RETRIES =
      ConfigOption.integer(
          "gcs.max-retries",
          5,
          0,
          100,
          "Retries of a request that failed transiently (429, 408, 5xx, timeout, broken connection),"
              + " with jittered exponential backoff from 100 ms up to 5 s (500 ms up to 20 s when"
              + " throttled).");

  public static final ConfigOption<MemorySize> UPLOAD_CHUNK_SIZE =
      ConfigOption.memory(
          "gcs.upload.chunk-size",
          MemorySize.ofMebiBytes(8),
          "Bytes a writer buffers in memory: a file up to this size is one multipart upload, a larger"
              + " one a resumable upload in chunks this size (a multiple of 256kb, Cloud Storage's"
              + " chunk granule, up to 1gb). Costs this much heap per open writer.");

  /** Cloud Storage's granule of a resumable upload's chunks but the last. */
  static final long CHUNK_GRANULE = 256 * 1024;

  // Buffers are byte arrays; 1 GiB keeps them allocatable.
  private static final long MAX_CHUNK_SIZE = 1L << 30;

  static final String DEFAULT_ENDPOINT = "https://storage.googleapis.com";

  private static final String READ_WRITE_SCOPE =
      "https://www.googleapis.com/auth/devstorage.read_write";

  private static final List<ConfigOption<?>> OPTIONS =
      List.of(
          ENDPOINT,
          ALLOW_INSECURE_HTTP,
          PROJECT_ID,
          CREDENTIALS_FILE,
          NO_AUTH,
          CONNECTION_TIMEOUT,
          REQUEST_TIMEOUT,
          MAX_RETRIES,
          UPLOAD_CHUNK_SIZE);

  public GcsFileSystemProvider() {}

  @Override
  public Set<String> schemes() {
    return SCHEMES;
  }

  /**
   * Creates a Cloud Storage file system from the {@code gcs.*} keys. No request reaches the store: a
   * bucket that is absent or unreachable shows at the first access, naming the location. Application
   * default credentials are looked up here, so a machine without any fails now.
   *
   * @throws ConfigException naming the key when a value is malformed, when the credentials file cannot
   *     be read, when {@code gcs.no-auth} is combined with a credentials file, or when no credentials
   *     are configured and none can be found
   * @throws IllegalArgumentException if {@code scheme} is not served
   */
  @Override
  public StateFileSystem create(String scheme, Config config) {
    if (!SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "The GCS provider serves the scheme gs, not '" + scheme + "'");
    }
    return open(config, GcsFileSystem.LIST_PAGE_LIMIT, GcsFileSystem.BATCH_LIMIT);
  }

  /** {@link #create} with smaller list pages and delete batches than the store's, for tests. */
  static GcsFileSystem open(Config config, int listPageSize, int deleteBatchSize) {
    config.validate("gcs.", OPTIONS);
    boolean sendsCredentials = !config.get(NO_AUTH);
    String endpoint =
        config
            .getOptional(ENDPOINT)
            .map(e -> endpoint(e, sendsCredentials, config.get(ALLOW_INSECURE_HTTP)))
            .orElse(DEFAULT_ENDPOINT);
    long chunkSize = chunkSize(config);
    int connectTimeout = millis(config, CONNECTION_TIMEOUT);
    int readTimeout = millis(config, REQUEST_TIMEOUT);
    Optional<GoogleCredentials> credentials = credentials(config);
    Optional<HttpCredentialsAdapter> adapter = credentials.map(HttpCredentialsAdapter::new);

    // Every request: the credentials' Authorization header (and a retry after refreshing an expired
    // token), these timeouts, and no retries of google-http-client's own: GcsRetries decides.
    HttpRequestInitializer initializer =
        request -> {
          if (adapter.isPresent()) {
            adapter.get().initialize(request);
          }
          request.setConnectTimeout(connectTimeout);
          request.setReadTimeout(readTimeout);
          request.setNumberOfRetries(adapter.isPresent() ? 1 : 0);
          request.setIOExceptionHandler(null);
        };
    Storage storage =
        new Storage.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), initializer)
            .setApplicationName("aloft")
            .setRootUrl(endpoint + "/")
            .build();
    GcsErrors errors = new GcsErrors(endpoint);
    return new GcsFileSystem(
        storage,
        errors,
        new GcsRetries(config.get(MAX_RETRIES), errors),
        config.getOptional(PROJECT_ID),
        chunkSize,
        listPageSize,
        deleteBatchSize);
  }

  /** The configuration keys this provider reads, all under {@code gcs.}. */
  @Override
  public List<ConfigOption<?>> options() {
    return OPTIONS;
  }

  /** The endpoint without a trailing {@code /}, checked ({@link Endpoints}); no query or fragment. */
  private static String endpoint(String text, boolean sendsCredentials, boolean allowInsecure) {
    URI uri = Endpoints.parse(ENDPOINT.key(), text, sendsCredentials, ALLOW_INSECURE_HTTP.key(), allowInsecure);
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigException(
          ENDPOINT.key(),
          "Invalid value for '" + ENDPOINT.key() + "': the endpoint has a query or fragment (expected a"
              + " root URI, e.g. http://127.0.0.1:4443)");
    }
    String t = text.strip();
    return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
  }

  private static long chunkSize(Config config) {
    long bytes = config.get(UPLOAD_CHUNK_SIZE).bytes();
    if (bytes < CHUNK_GRANULE || bytes > MAX_CHUNK_SIZE || bytes % CHUNK_GRANULE != 0) {
      throw new ConfigException(
          UPLOAD_CHUNK_SIZE.key(),
          "Invalid value for '" + UPLOAD_CHUNK_SIZE.key() + "': " + MemorySize.ofBytes(bytes)
              + " (expected a multiple of 256kb, Cloud Storage's chunk granule, from 256kb to 1gb)");
    }
    return bytes;
  }

  private static int millis(Config config, ConfigOption<Duration> option) {
    Duration value = config.get(option);
    if (value.isZero() || value.isNegative() || value.toMillis() > Integer.MAX_VALUE) {
      throw new ConfigException(
          option.key(),
          "Invalid value for '" + option.key() + "': " + value + " (expected from 1 ms to 24 days)");
    }
    return (int) Math.max(1, value.toMillis());
  }

  /** The configured credentials, or empty for {@link #NO_AUTH}. */
  private static Optional<GoogleCredentials> credentials(Config config) {
    Optional<String> file = config.getOptional(CREDENTIALS_FILE);
    if (config.get(NO_AUTH)) {
      if (file.isPresent()) {
        throw new ConfigException(
            NO_AUTH.key(),
            "'" + NO_AUTH.key() + "' is true but '" + CREDENTIALS_FILE.key() + "' is set: choose one");
      }
      return Optional.empty();
    }
    if (file.isPresent()) {
      return Optional.of(serviceAccount(file.get()));
    }
    try {
      return Optional.of(GoogleCredentials.getApplicationDefault().createScoped(READ_WRITE_SCOPE));
    } catch (IOException e) {
      throw new ConfigException(
          CREDENTIALS_FILE.key(),
          "No credentials for GCS: set '" + CREDENTIALS_FILE.key() + "' to a service-account key file,"
              + " provide application default credentials (GOOGLE_APPLICATION_CREDENTIALS), or set '"
              + NO_AUTH.key() + "' for an emulator: " + e.getMessage(),
          e);
    }
  }

  private static GoogleCredentials serviceAccount(String file) {
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw new ConfigException(
          CREDENTIALS_FILE.key(), "Invalid value for '" + CREDENTIALS_FILE.key() + "': " + e.getMessage(), e);
    }
    try (InputStream in = Files.newInputStream(path)) {
      return ServiceAccountCredentials.fromStream(in).createScoped(READ_WRITE_SCOPE);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          CREDENTIALS_FILE.key(),
          "Cannot use '" + CREDENTIALS_FILE.key() + "' = " + path.toAbsolutePath()
              + " as a service-account key file: " + e,
          e);
    }
  }
}
