package io.aloft.fs.azure;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.config.MemorySize;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.StateFileSystem;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code abfs://}, {@code abfss://}, {@code wasb://} and {@code wasbs://} storage provider: Azure
 * Blob Storage (accounts with or without a hierarchical namespace) and Azurite, through
 * azure-storage-blob on the JDK's HTTP client. All four schemes reach the same blobs through the Blob
 * API; they exist so that locations written for Hadoop's ABFS and WASB connectors work unchanged.
 *
 * <h2>Locations</h2>
 *
 * <p>{@code abfss://<container>@<account>.dfs.core.windows.net/<path>} and {@code
 * wasbs://<container>@<account>.blob.core.windows.net/<path>} both name blob {@code <path>} (without its
 * leading {@code /}) in container {@code <container>} of storage account {@code <account>}. The host
 * may also be the bare account name ({@code abfs://state@mystorage/ckp}), and its suffix another cloud's
 * ({@code <account>.blob.core.chinacloudapi.cn}). Requests go to {@code https://<account>.blob.<suffix>}
 * for every scheme — the schemes without {@code s} do not downgrade to plain HTTP — unless {@link
 * #ENDPOINT} or {@link #CONNECTION_STRING} names the endpoint: then every location goes there, and the
 * account a location names must be the endpoint's (for Azurite, {@code
 * azure.endpoint: http://127.0.0.1:10000/devstoreaccount1} serves {@code
 * wasb://<container>@devstoreaccount1/<path>}). Containers are not created: they must exist.
 *
 * <h2>How the storage contract maps onto Azure Blob Storage</h2>
 *
 * <ul>
 *   <li>Reads are ranged GETs ({@code x-ms-range}); a body that breaks off is re-requested from where it
 *       stopped. Azure has no suffix ranges, so {@code readTail} learns the length first (one HEAD,
 *       skipped when it is known, e.g. from {@code newInputFile(location, length)}).
 *   <li>Writes are buffered in memory up to {@link #UPLOAD_BLOCK_SIZE}. A file that fits is one Put Blob
 *       at close; a larger one is staged as blocks while the buffer fills (Put Block) and published by
 *       Put Block List, so memory stays bounded. Nothing is visible before the final request succeeds;
 *       an aborted writer's staged blocks are never committed, and Azure discards them after a week.
 *   <li>An exclusive create sends {@code If-None-Match: *} on the Put Blob or Put Block List: the
 *       service decides atomically. Its answer for an existing blob — 409 {@code BlobAlreadyExists}, or
 *       412 {@code ConditionNotMet} — becomes {@link java.nio.file.FileAlreadyExistsException}.
 *   <li>{@code copy} is a server-side Copy Blob within an account (Azure copies without the bytes
 *       passing through this process, waiting for a pending copy to finish); across accounts, the bytes
 *       are streamed. {@code list} pages through List Blobs; {@code deleteFiles} and {@code
 *       deleteRecursively} send up to {@link #MAX_CONCURRENCY} Delete Blob requests at once. On an
 *       account with a hierarchical namespace, the directory entries it keeps are not listed as files and
 *       are removed by {@code deleteRecursively} after the files below them.
 *   <li>Throttling (503), server errors (500), timeouts and broken connections are retried up to
 *       {@link #MAX_RETRIES} times with exponential backoff from 100 ms up to 5 s. Errors that escape
 *       name the location: 404 is {@link java.nio.file.NoSuchFileException}, 403 is {@link
 *       java.nio.file.AccessDeniedException} naming the operation, and an unreachable endpoint is an
 *       {@link java.io.IOException} naming the endpoint.
 * </ul>
 *
 * <h2>Credentials</h2>
 *
 * <p>Exactly one of {@link #ACCOUNT_KEY} (a shared key, signed for the account each location names),
 * {@link #SAS_TOKEN} (a shared access signature) or {@link #CONNECTION_STRING} (which also names the
 * account and its endpoint). Missing or conflicting credentials are a {@link ConfigException} naming the
 * keys; nothing is sent until the first access.
 */
public final class AzureBlobFileSystemProvider implements FileSystemProvider {

  /** The schemes served: Hadoop's ABFS ({@code abfs}, {@code abfss}) and WASB ({@code wasb}, {@code wasbs}). */
  public static final Set<String> SCHEMES = Set.of("abfs", "abfss", "wasb", "wasbs");

  public static final ConfigOption<String> ACCOUNT_KEY =
      ConfigOption.string(
          "azure.account-key",
          null,
          "Shared key (base64) of the storage account that locations name. Set exactly one of"
              + " azure.account-key, azure.sas-token and azure.connection-string.");

  public static final ConfigOption<String> SAS_TOKEN =
      ConfigOption.string(
          "azure.sas-token",
          null,
          "Shared access signature (the query string, with or without its leading '?') granting read,"
              + " write, delete and list on the containers used. Set exactly one of azure.account-key,"
              + " azure.sas-token and azure.connection-string.");

  public static final ConfigOption<String> CONNECTION_STRING =
      ConfigOption.string(
          "azure.connection-string",
          null,
          "Storage connection string (AccountName=...;AccountKey=... or BlobEndpoint=...;"
              + "SharedAccessSignature=..., or UseDevelopmentStorage=true for Azurite on its default"
              + " port). It names the account and endpoint, so azure.endpoint must not be set.");

  public static final ConfigOption<String> ENDPOINT =
      ConfigOption.string(
          "azure.endpoint",
          null,
          "Blob service endpoint every location goes to, e.g. http://127.0.0.1:10000/devstoreaccount1"
              + " (Azurite: the account is the path) or a private endpoint. Default:"
              + " https://{account}.blob.{suffix} from each location.");

  public static final ConfigOption<Boolean> ALLOW_INSECURE_HTTP =
      ConfigOption.bool(
          "azure.allow-insecure-http",
          false,
          "Allow a plain http:// endpoint (azure.endpoint, or a connection string's BlobEndpoint) on a"
              + " host other than loopback (requests and their credential then travel unencrypted).");

  public static final ConfigOption<Duration> CONNECTION_TIMEOUT =
      ConfigOption.duration(
          "azure.connection-timeout",
          Duration.ofSeconds(10),
          "Longest wait to open a connection. An unreachable endpoint fails within about"
              + " (azure.max-retries + 1) times this, plus backoff.");

  public static final ConfigOption<Duration> REQUEST_TIMEOUT =
      ConfigOption.duration(
          "azure.request-timeout",
          Duration.ofSeconds(60),
          "Longest wait for a response, longest silence while sending a request or reading a response,"
              + " and longest one attempt may take (at least 1 s); an attempt that exceeds it is"
              + " retried.");

  public static final ConfigOption<Integer> MAX_RETRIES =
      ConfigOption.integer(
          "azure.max-retries",
          5,
          0,
          100,
          "Retries of a request that failed transiently (503 throttling, 500, timeout, broken"
              + " connection), with exponential backoff from 100 ms up to 5 s.");

  public static final ConfigOption<Integer> MAX_CONCURRENCY =
      ConfigOption.integer(
          "azure.max-concurrency",
          16,
          1,
          1024,
          "Most requests a bulk delete (deleteFiles, deleteRecursively) keeps in flight at once.");

  public static final ConfigOption<MemorySize> UPLOAD_BLOCK_SIZE =
      ConfigOption.memory(
          "azure.upload.block-size",
          MemorySize.ofMebiBytes(8),
          "Bytes a writer buffers in memory: a file up to this size is one Put Blob, a larger one is"
              + " staged in blocks this size (64kb to 1gb) and committed with Put Block List. Costs this"
              + " much heap per open writer.");

  static final long MIN_BLOCK_SIZE = 64 * 1024;

  // Buffers are byte arrays; 1 GiB keeps them allocatable and well under Azure's 4000 MiB block limit.
  private static final long MAX_BLOCK_SIZE = 1L << 30;

  private static final List<ConfigOption<?>> OPTIONS =
      List.of(
          ACCOUNT_KEY,
          SAS_TOKEN,
          CONNECTION_STRING,
          ENDPOINT,
          ALLOW_INSECURE_HTTP,
          CONNECTION_TIMEOUT,
          REQUEST_TIMEOUT,
          MAX_RETRIES,
          MAX_CONCURRENCY,
          UPLOAD_BLOCK_SIZE);

  public AzureBlobFileSystemProvider() {}

  @Override
  public Set<String> schemes() {
    return SCHEMES;
  }

  /**
   * Creates an Azure Blob file system from the {@code azure.*} keys. No request is sent: a container
   * that is absent or unreachable shows at the first access, naming the location.
   *
   * @throws ConfigException naming the key when a value is malformed, when no credential or more than
   *     one is set, or when the endpoint is not an http(s) URI
   * @throws IllegalArgumentException if {@code scheme} is not served
   */
  @Override
  public StateFileSystem create(String scheme, Config config) {
    if (!SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "The Azure Blob provider serves the schemes " + SCHEMES + ", not '" + scheme + "'");
    }
    return open(config, AzureBlobFileSystem.LIST_PAGE_LIMIT);
  }

  /** {@link #create} with smaller list pages than Azure's 5000, for tests. */
  static AzureBlobFileSystem open(Config config, int listPageSize) {
    config.validate("azure.", OPTIONS);
    long blockSize = blockSize(config);
    AzureClients clients =
        AzureClients.create(
            AzureClients.Settings.from(config),
            positive(config, CONNECTION_TIMEOUT),
            positive(config, REQUEST_TIMEOUT),
            config.get(MAX_RETRIES));
    return new AzureBlobFileSystem(
        clients, blockSize, config.get(MAX_RETRIES), config.get(MAX_CONCURRENCY), listPageSize);
  }

  /** The configuration keys this provider reads, all under {@code azure.}. */
  @Override
  public List<ConfigOption<?>> options() {
    return OPTIONS;
  }

  private static Duration positive(Config config, ConfigOption<Duration> option) {
    Duration value = config.get(option);
    if (value.isZero() || value.isNegative()) {
      throw new ConfigException(
          option.key(), "Invalid value for '" + option.key() + "': " + value + " (expected more than 0 ms)");
    }
    return value;
  }

  private static long blockSize(Config config) {
    long bytes = config.get(UPLOAD_BLOCK_SIZE).bytes();
    if (bytes < MIN_BLOCK_SIZE || bytes > MAX_BLOCK_SIZE) {
      throw new ConfigException(
          UPLOAD_BLOCK_SIZE.key(),
          "Invalid value for '" + UPLOAD_BLOCK_SIZE.key() + "': " + MemorySize.ofBytes(bytes)
              + " (expected from 64kb to 1gb)");
    }
    return bytes;
  }
}
