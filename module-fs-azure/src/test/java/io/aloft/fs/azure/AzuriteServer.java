package io.aloft.fs.azure;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.aloft.config.Config;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Azurite's Blob service as a child process on {@code 127.0.0.1} and a free port, in-memory, shared by
 * every test class of the JVM: started on first use (about 1–3 s), stopped when the JVM exits.
 *
 * <p>The build installs Azurite with npm (exec-maven-plugin, phase generate-test-resources) and passes
 * the path of its {@code azurite-blob} launcher in the system property {@code aloft.azurite.blob}.
 */
final class AzuriteServer {

  /** Azurite's well-known development account and its published key. */
  static final String ACCOUNT = "devstoreaccount1";

  static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final int START_ATTEMPTS = 3;

  private static AzuriteServer shared;

  private final Process process;
  private final int port;

  private AzuriteServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The JVM's Azurite, started on first call. */
  static synchronized AzuriteServer shared() {
    if (shared == null) {
      shared = start();
      AzuriteServer server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "azurite-stop"));
    }
    return shared;
  }

  private static AzuriteServer start() {
    Path launcher =
        Path.of(
            System.getProperty(
                "aloft.azurite.blob",
                System.getProperty("user.home")
                    + "/.cache/aloft/azurite-3.35.0/node_modules/.bin/azurite-blob"));
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(
          "Azurite is missing at " + launcher.toAbsolutePath()
              + ": run the tests through Maven, which installs it with npm in generate-test-resources");
    }
    IllegalStateException failure = null;
    // The free port is found, released and handed over: another process may take it in between.
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return startOn(launcher, freePort());
      } catch (IllegalStateException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    throw failure;
  }

  private static AzuriteServer startOn(Path launcher, int port) {
    Path log;
    Process process;
    try {
      log = Files.createTempFile("azurite-", ".log");
      process =
          new ProcessBuilder(
                  List.of(
                      launcher.toString(),
                      "--blobHost", "127.0.0.1",
                      "--blobPort", String.valueOf(port),
                      "--inMemoryPersistence",
                      "--skipApiVersionCheck",
                      "--loose",
                      "--disableTelemetry",
                      "--silent"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Azurite from " + launcher, e);
    }
    AzuriteServer server = new AzuriteServer(process, port);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!server.accepts()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        server.stop();
        throw new IllegalStateException(
            "Azurite did not start on 127.0.0.1:" + port + " within " + START_TIMEOUT
                + (process.isAlive() ? "" : " (exit " + process.exitValue() + ")") + "; its output:\n"
                + read(log));
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        server.stop();
        throw new IllegalStateException("interrupted while starting Azurite", e);
      }
    }
    return server;
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on the loopback address", e);
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private void stop() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** The Blob endpoint of the development account, e.g. {@code http://127.0.0.1:41234/devstoreaccount1}. */
  String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  int port() {
    return port;
  }

  /** The {@code azure.*} keys that point the provider at this Azurite, with short timeouts. */
  Config config() {
    return Config.of(
        Map.of(
            "azure.endpoint", endpoint(),
            "azure.account-key", ACCOUNT_KEY,
            "azure.connection-timeout", "2 s",
            "azure.request-timeout", "30 s",
            "azure.max-retries", "2"));
  }

  /** A file system on this Azurite; the caller closes it. */
  AzureBlobFileSystem fileSystem() {
    return AzureBlobFileSystemProvider.open(config(), AzureBlobFileSystem.LIST_PAGE_LIMIT);
  }

  /** A plain SDK client on this Azurite, for setting up containers and looking behind the provider. */
  BlobServiceClient adminClient() {
    return new BlobServiceClientBuilder()
        .endpoint(endpoint())
        .credential(new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY))
        .buildClient();
  }

  /** Creates {@code container} unless it exists. */
  void createContainer(String container) {
    adminClient().getBlobContainerClient(container).createIfNotExists();
  }

  /** {@code wasb://<container>@devstoreaccount1/<path>}. */
  static String wasb(String container, String path) {
    return "wasb://" + container + "@" + ACCOUNT + "/" + path;
  }
}
