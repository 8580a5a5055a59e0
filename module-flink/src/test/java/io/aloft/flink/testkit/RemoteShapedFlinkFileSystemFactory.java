package io.aloft.flink.testkit;

import java.net.URI;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;

/**
 * Registers {@link RemoteShapedFlinkFileSystem} for Flink's {@code remote://} scheme. Its latency is
 * the same key Aloft's {@code remote://} provider reads, {@code testkit.remote.read-latency}, taken
 * from the configuration given to {@link FileSystem#initialize} (a MiniCluster does not call it: call
 * it with the cluster's configuration first).
 */
public final class RemoteShapedFlinkFileSystemFactory implements FileSystemFactory {

  public static final ConfigOption<Duration> READ_LATENCY =
      ConfigOptions.key("testkit.remote.read-latency").durationType().defaultValue(Duration.ZERO);

  private volatile Duration readLatency = Duration.ZERO;

  @Override
  public String getScheme() {
    return RemoteShapedFlinkFileSystem.SCHEME;
  }

  @Override
  public void configure(Configuration config) {
    readLatency = config.get(READ_LATENCY);
  }

  @Override
  public FileSystem create(URI fsUri) {
    return new RemoteShapedFlinkFileSystem(readLatency);
  }
}
