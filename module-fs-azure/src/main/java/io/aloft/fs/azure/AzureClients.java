package io.aloft.fs.azure;

import static io.aloft.fs.azure.AzureBlobFileSystemProvider.ACCOUNT_KEY;
import static io.aloft.fs.azure.AzureBlobFileSystemProvider.CONNECTION_STRING;
import static io.aloft.fs.azure.AzureBlobFileSystemProvider.ENDPOINT;
import static io.aloft.fs.azure.AzureBlobFileSystemProvider.SAS_TOKEN;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.spi.fs.Endpoints;
import io.aloft.spi.fs.Location;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Blob service clients of one file system: one per storage account, created on first use, all on one
 * JDK HTTP client and one retry policy. The one place that reads credentials and endpoints.
 */
final class AzureClients {

  /** Azurite's well-known development account, for {@code UseDevelopmentStorage=true}. */
  static final String DEVELOPMENT_ACCOUNT = "devstoreaccount1";

  private static final Pattern BLOB_HOST = Pattern.compile("([a-z0-9]{3,24})\\.blob\\..+");

  /**
   * The credential and endpoint keys, checked.
   *
   * @param credential which credential key is set
   * @param secret its value (a SAS token without its leading {@code ?})
   * @param endpoint the endpoint every location goes to, when one is configured
   * @param endpointAccount the one account that endpoint serves, when it says
   * @param sourceSas the shared access signature that authorizes reading a copy's source, if any
   */
  record Settings(
      ConfigOption<String> credential,
      String secret,
      Optional<URI> endpoint,
      Optional<String> endpointAccount,
      Optional<String> sourceSas) {

    /** Without the secret and the SAS: a record's generated toString would print them. */
    @Override
    public String toString() {
      return "Settings[credential=" + credential.key() + ", secret=" + Config.REDACTED + ", endpoint="
          + endpoint.map(URI::toString).orElse("(none)") + ", endpointAccount="
          + endpointAccount.orElse("(none)") + ", sourceSas="
          + (sourceSas.isPresent() ? Config.REDACTED : "(none)") + "]";
    }

    static Settings from(Config config) {
      List<ConfigOption<String>> set = new ArrayList<>();
      for (ConfigOption<String> key : List.of(ACCOUNT_KEY, SAS_TOKEN, CONNECTION_STRING)) {
        if (config.getOptional(key).filter(v -> !v.isBlank()).isPresent()) {
          set.add(key);
        }
      }
      if (set.isEmpty()) {
        throw new ConfigException(
            ACCOUNT_KEY.key(),
            "No Azure credentials: set one of '" + ACCOUNT_KEY.key() + "', '" + SAS_TOKEN.key()
                + "' or '" + CONNECTION_STRING.key() + "'");
      }
      if (set.size() > 1) {
        throw new ConfigException(
            set.get(1).key(),
            "Both '" + set.get(0).key() + "' and '" + set.get(1).key() + "' are set: set only one"
                + " Azure credential");
      }
      ConfigOption<String> credential = set.get(0);
      String secret = config.get(credential).strip();
      boolean insecure = config.get(AzureBlobFileSystemProvider.ALLOW_INSECURE_HTTP);
      Optional<URI> endpoint = config.getOptional(ENDPOINT).map(e -> endpointUri(ENDPOINT, e, insecure));
      if (credential == CONNECTION_STRING) {
        if (endpoint.isPresent()) {
          throw new ConfigException(
              ENDPOINT.key(),
              "'" + ENDPOINT.key() + "' is set together with '" + CONNECTION_STRING.key() + "', which"
                  + " names the endpoint itself: set only one");
        }
        return fromConnectionString(secret, insecure);
      }
      if (credential == ACCOUNT_KEY) {
        try {
          Base64.getDecoder().decode(secret);
        } catch (IllegalArgumentException e) {
          // The message leaves the secret out: configuration errors end up in logs.
          throw new ConfigException(
              ACCOUNT_KEY.key(),
              "Invalid value for '" + ACCOUNT_KEY.key() + "': not base64 (" + e.getMessage()
                  + "); copy the key from the account's access keys");
        }
      }
      if (credential == SAS_TOKEN && secret.startsWith("?")) {
        secret = secret.substring(1);
      }
      return new Settings(
          credential,
          secret,
          endpoint,
          endpoint.flatMap(AzureClients::accountOf),
          credential == SAS_TOKEN ? Optional.of(secret) : Optional.empty());
    }

    private static Settings fromConnectionString(String text, boolean insecure) {
      Map<String, String> parts = new LinkedHashMap<>();
      for (String part : text.split(";")) {
        if (part.isBlank()) {
          continue;
        }
        int eq = part.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException(
              CONNECTION_STRING.key(),
              "Invalid value for '" + CONNECTION_STRING.key() + "': expected Name=value pairs"
                  + " separated by ';' (e.g. AccountName=...;AccountKey=...)");
        }
        parts.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
      }
      Optional<URI> endpoint =
          Optional.ofNullable(parts.get("blobendpoint")).map(e -> endpointUri(CONNECTION_STRING, e, insecure));
      Optional<String> account = Optional.ofNullable(parts.get("accountname"));
      if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
        account = Optional.of(DEVELOPMENT_ACCOUNT);
      } else if (account.isEmpty()) {
        account = endpoint.flatMap(AzureClients::accountOf);
      }
      if (endpoint.isEmpty() && account.isEmpty()) {
        throw new ConfigException(
            CONNECTION_STRING.key(),
            "Invalid value for '" + CONNECTION_STRING.key() + "': it names neither AccountName nor"
                + " BlobEndpoint");
      }
      // The SDK's own parser decides what it accepts; building a client sends nothing.
      try {
        new BlobServiceClientBuilder().connectionString(text);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ConfigException(
            CONNECTION_STRING.key(),
            "Invalid value for '" + CONNECTION_STRING.key() + "': the Azure SDK rejects it ("
                + e.getClass().getSimpleName() + ")",
            e);
      }
      Optional<String> sas =
          Optional.ofNullable(parts.get("sharedaccesssignature")).map(v -> v.startsWith("?") ? v.substring(1) : v);
      return new Settings(CONNECTION_STRING, text, endpoint, account, sas);
    }
  }

  private final Settings settings;
  private final HttpClient http;
  private final RequestRetryOptions retry;
  // Any thread; a client per account, made on first use.
  private final ConcurrentMap<String, BlobServiceClient> byAccount = new ConcurrentHashMap<>();

  private AzureClients(Settings settings, HttpClient http, RequestRetryOptions retry) {
    this.settings = settings;
    this.http = http;
    this.retry = retry;
  }

  static AzureClients create(
      Settings settings, Duration connectionTimeout, Duration requestTimeout, int maxRetries) {
    // Blob Storage speaks HTTP/1.1; pinning it also spares plain-http endpoints (Azurite) the h2c
    // upgrade the JDK client would otherwise attempt.
    HttpClient http =
        new JdkHttpClientBuilder(
                java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1))
            .connectionTimeout(connectionTimeout)
            .responseTimeout(requestTimeout)
            .readTimeout(requestTimeout)
            .writeTimeout(requestTimeout)
            .build();
    RequestRetryOptions retry =
        new RequestRetryOptions(
            RetryPolicyType.EXPONENTIAL,
            maxRetries + 1,
            // The SDK counts this in whole seconds, at least one.
            requestTimeout.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : requestTimeout,
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            null);
    return new AzureClients(settings, http, retry);
  }

  /**
   * The client of the account {@code location} names.
   *
   * @throws IllegalArgumentException naming the location and the key when the configured endpoint
   *     serves another account
   */
  BlobServiceClient forAccount(AzureLocation azure, Location location) {
    settings.endpointAccount().ifPresent(
        account -> {
          if (!account.equals(azure.account())) {
            String key =
                settings.credential() == CONNECTION_STRING ? CONNECTION_STRING.key() : ENDPOINT.key();
            throw new IllegalArgumentException(
                location + " names account '" + azure.account() + "', but '" + key + "' serves account '"
                    + account + "'");
          }
        });
    return byAccount.computeIfAbsent(azure.account(), account -> build(azure));
  }

  private BlobServiceClient build(AzureLocation azure) {
    BlobServiceClientBuilder builder = new BlobServiceClientBuilder().httpClient(http).retryOptions(retry);
    if (settings.credential() == CONNECTION_STRING) {
      return builder.connectionString(settings.secret()).buildClient();
    }
    builder.endpoint(settings.endpoint().map(URI::toString).orElseGet(azure::defaultBlobEndpoint));
    if (settings.credential() == ACCOUNT_KEY) {
      builder.credential(new StorageSharedKeyCredential(azure.account(), settings.secret()));
    } else {
      builder.sasToken(settings.secret());
    }
    return builder.buildClient();
  }

  /** The endpoint requests for {@code azure} go to, for messages. */
  String endpoint(AzureLocation azure) {
    BlobServiceClient client = byAccount.get(azure.account());
    if (client != null) {
      return client.getAccountUrl();
    }
    return settings.endpoint().map(URI::toString).orElseGet(azure::defaultBlobEndpoint);
  }

  /**
   * The URL a Copy Blob reads its source from. Within an account a shared key authorizes the source
   * too; a shared access signature must travel with the source URL.
   */
  String sourceUrl(BlobClient source) {
    String url = source.getBlobUrl();
    return settings.sourceSas().map(sas -> url + (url.contains("?") ? "&" : "?") + sas).orElse(url);
  }

  @Override
  public String toString() {
    return settings.endpoint().map(URI::toString).orElse("Azure Blob Storage")
        + " with " + settings.credential().key();
  }

  /**
   * The account an endpoint serves, when it says: the first path segment of a path-style endpoint
   * (Azurite's {@code http://127.0.0.1:10000/devstoreaccount1}) or the first label of {@code
   * <account>.blob.<suffix>}.
   */
  static Optional<String> accountOf(URI endpoint) {
    String path = endpoint.getPath() == null ? "" : endpoint.getPath();
    String[] segments = path.split("/");
    for (String segment : segments) {
      if (!segment.isEmpty()) {
        return Optional.of(segment);
      }
    }
    Matcher host = BLOB_HOST.matcher(endpoint.getHost().toLowerCase(Locale.ROOT));
    return host.matches() ? Optional.of(host.group(1)) : Optional.empty();
  }

  /** Requests always carry the credential, so plain http goes to loopback hosts only, unless allowed. */
  private static URI endpointUri(ConfigOption<String> key, String text, boolean allowInsecure) {
    return Endpoints.parse(
        key.key(), text, true, AzureBlobFileSystemProvider.ALLOW_INSECURE_HTTP.key(), allowInsecure);
  }
}
