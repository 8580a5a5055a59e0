package io.aloft.fs.hdfs;

import io.aloft.config.Config;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * One MiniDFSCluster (a NameNode and one DataNode, in this JVM, on 127.0.0.1 and ephemeral ports),
 * shared by every test class: started on first use (about 10 s), shut down when the JVM exits. Its
 * directories are below {@code target/minidfs/}.
 *
 * <p>Driven by reflection: the cluster's classes are in {@code hadoop-client-minicluster}, whose
 * package {@code org.apache.hadoop.hdfs} is also in {@code hadoop-client-api}. The test sources compile
 * patched into the module {@code io.aloft.fs.hdfs}, which reads {@code hadoop.client.api} as a named
 * module, so javac does not see the other jar's half of that package. The tests run on the class path,
 * where both halves load, so only the compiler needs the detour.
 *
 * <p>The cluster checks permissions ({@code dfs.permissions.enabled}, on by default); its superuser is
 * the user running the tests, which is also who the provider acts as unless {@code hdfs.user} says
 * otherwise.
 */
final class MiniHdfs {

  /** The client's block size in tests: small, so a few hundred kilobytes span several blocks. */
  static final String BLOCK_SIZE = "256k";

  private static MiniHdfs shared;

  private final Object cluster;
  private final Location root;

  private MiniHdfs(Object cluster, URI uri) {
    this.cluster = cluster;
    this.root = Location.of("hdfs://" + uri.getAuthority() + "/");
  }

  /** The JVM's cluster, started on first call. */
  static synchronized MiniHdfs shared() {
    if (shared == null) {
      shared = start();
      MiniHdfs cluster = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::shutdown, "minidfs-stop"));
    }
    return shared;
  }

  private static MiniHdfs start() {
    Path base = Path.of("target", "minidfs", UUID.randomUUID().toString()).toAbsolutePath();
    Configuration conf = new Configuration();
    // Lets clients choose blocks smaller than HDFS's 1 MiB minimum.
    conf.setLong("dfs.namenode.fs-limits.min-block-size", 4096);
    // A restarted DataNode reports in after a second rather than three.
    conf.setLong("dfs.heartbeat.interval", 1);
    try {
      Class<?> builderClass = Class.forName("org.apache.hadoop.hdfs.MiniDFSCluster$Builder");
      Object builder =
          builderClass.getConstructor(Configuration.class, File.class).newInstance(conf, base.toFile());
      builderClass.getMethod("numDataNodes", int.class).invoke(builder, 1);
      Object cluster = builderClass.getMethod("build").invoke(builder);
      URI uri = (URI) cluster.getClass().getMethod("getURI").invoke(cluster);
      return new MiniHdfs(cluster, uri);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("the MiniDFSCluster did not start", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("hadoop-client-minicluster is not on the test class path", e);
    }
  }

  /** {@code hdfs://127.0.0.1:<port>/}. */
  Location root() {
    return root;
  }

  /** A directory no other test uses. */
  Location freshDirectory(String purpose) {
    return root.resolve(purpose + "/" + UUID.randomUUID());
  }

  /**
   * The provider's configuration for this cluster: one replica (there is one DataNode) and small
   * blocks, both through pass-through keys.
   */
  Config config() {
    return Config.of(Map.of("dfs.replication", "1", "dfs.blocksize", BLOCK_SIZE));
  }

  /** A file system through the provider, as the engine would create it. */
  StateFileSystem fileSystem() {
    return fileSystem(config());
  }

  StateFileSystem fileSystem(Config config) {
    return new HdfsFileSystemProvider().create("hdfs", config);
  }

  /** A Hadoop client acting as the superuser, for what the SPI cannot do: permissions, safe mode. */
  DistributedFileSystem admin() {
    try {
      return (DistributedFileSystem) FileSystem.newInstance(URI.create(root.toString()), new Configuration());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the DataNode; returns what {@link #restartDataNode} needs to bring it back on its port. */
  Object stopDataNode() {
    return call("stopDataNode", new Class<?>[] {int.class}, 0);
  }

  /** Restarts a stopped DataNode on its old ports and waits until the NameNode sees it. */
  void restartDataNode(Object stopped) {
    try {
      Class<?> properties = Class.forName("org.apache.hadoop.hdfs.MiniDFSCluster$DataNodeProperties");
      call("restartDataNode", new Class<?>[] {properties, boolean.class}, stopped, true);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
    call("waitActive", new Class<?>[0]);
  }

  private Object call(String name, Class<?>[] types, Object... args) {
    try {
      Method method = cluster.getClass().getMethod(name, types);
      return method.invoke(cluster, args);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("MiniDFSCluster." + name + " failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private void shutdown() {
    call("shutdown", new Class<?>[] {boolean.class}, true);
  }
}
