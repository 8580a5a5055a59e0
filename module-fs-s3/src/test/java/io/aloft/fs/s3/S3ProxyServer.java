package io.aloft.fs.s3;

import io.aloft.config.Config;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy with its in-memory ("transient") store on {@code 127.0.0.1} and an ephemeral port, shared by
 * every test class of the JVM: started on first use (about 1.5 s), stopped when the JVM exits.
 *
 * <p>S3Proxy's fat jar bundles unrelocated copies of the AWS SDK, Guava, Jetty and logback, so it never
 * goes on the test class path: Maven copies it to {@code target/s3proxy/}, and it runs here in a class
 * loader of its own whose parent is the platform class loader, driven by reflection.
 *
 * <p>Public, in this module's test-jar, for the S3 benchmark (which sets {@code aloft.s3proxy.jar}).
 */
public final class S3ProxyServer {

  static final String ACCESS_KEY = "aloft-test";
  static final String SECRET_KEY = "aloft-test-secret";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

  private static S3ProxyServer shared;

  private final URLClassLoader loader;
  private final Object proxy;
  private final URI endpoint;

  private S3ProxyServer(URLClassLoader loader, Object proxy, URI endpoint) {
    this.loader = loader;
    this.proxy = proxy;
    this.endpoint = endpoint;
  }

  /** The JVM's S3Proxy, started on first call. */
  public static synchronized S3ProxyServer shared() {
    if (shared == null) {
      shared = start();
      S3ProxyServer server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "s3proxy-stop"));
    }
    return shared;
  }

  private static S3ProxyServer start() {
    Path jar = Path.of(System.getProperty("aloft.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "S3Proxy's jar is missing at " + jar.toAbsolutePath()
              + ": run the tests through Maven, which copies it there in process-test-classes");
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    URLClassLoader loader = null;
    try {
      loader =
          new URLClassLoader(
              "s3proxy", new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      // Jetty's threads, created now, inherit this; S3Proxy's libraries look up services through it.
      thread.setContextClassLoader(loader);
      Properties properties = new Properties();
      properties.setProperty("s3proxy.endpoint", "http://127.0.0.1:0");
      properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
      properties.setProperty("s3proxy.identity", ACCESS_KEY);
      properties.setProperty("s3proxy.credential", SECRET_KEY);
      properties.setProperty("jclouds.provider", "transient");
      Object blobStore =
          loader
              .loadClass("org.gaul.s3proxy.BlobStores")
              .getMethod("create", String.class, Properties.class)
              .invoke(null, "transient", properties);
      Class<?> builderClass = loader.loadClass("org.gaul.s3proxy.S3Proxy$Builder");
      Object builder = builderClass.getMethod("fromProperties", Properties.class).invoke(null, properties);
      builderClass
          .getMethod("blobStore", loader.loadClass("org.gaul.s3proxy.blobstore.BlobStore"))
          .invoke(builder, blobStore);
      // Bounds the graceful stop at JVM exit, should a client leave a connection open.
      builderClass.getMethod("stopTimeout", long.class).invoke(builder, STOP_TIMEOUT.toMillis());
      Object proxy = builderClass.getMethod("build").invoke(builder);
      proxy.getClass().getMethod("start").invoke(proxy);
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!"STARTED".equals(proxy.getClass().getMethod("getState").invoke(proxy))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT);
        }
        Thread.sleep(10);
      }
      int port = (int) proxy.getClass().getMethod("getPort").invoke(proxy);
      return new S3ProxyServer(loader, proxy, URI.create("http://127.0.0.1:" + port));
    } catch (ReflectiveOperationException | IOException e) {
      closeQuietly(loader, e);
      throw new IllegalStateException("cannot start S3Proxy from " + jar, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(loader, e);
      throw new IllegalStateException("interrupted while starting S3Proxy", e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static void closeQuietly(URLClassLoader loader, Exception failure) {
    if (loader != null) {
      try {
        loader.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }

  private void stop() {
    try {
      proxy.getClass().getMethod("stop").invoke(proxy);
      loader.close();
    } catch (ReflectiveOperationException | IOException e) {
      // The JVM is exiting; the in-memory store goes with it.
      System.err.println("S3Proxy did not stop cleanly: " + e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The {@code s3.*} keys that point the provider at this S3Proxy, with short timeouts. */
  public Config config() {
    return Config.of(
        Map.of(
            "s3.endpoint", endpoint.toString(),
            "s3.path-style-access", "true",
            "s3.access-key", ACCESS_KEY,
            "s3.secret-key", SECRET_KEY,
            "s3.connection-timeout", "2 s",
            "s3.request-timeout", "30 s",
            "s3.max-retries", "2"));
  }

  /** A file system on this S3Proxy; the caller closes it. */
  public StateFileSystem fileSystem() {
    return new S3FileSystemProvider().create("s3", config());
  }

  /** A plain SDK client on this S3Proxy, for setting up buckets and looking behind the provider. */
  S3Client adminClient() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClient(Apache5HttpClient.create())
        .build();
  }

  /** Creates {@code bucket} unless it exists. */
  public void createBucket(String bucket) {
    try (S3Client s3 = adminClient()) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
        s3.createBucket(b -> b.bucket(bucket));
      }
    }
  }
}
