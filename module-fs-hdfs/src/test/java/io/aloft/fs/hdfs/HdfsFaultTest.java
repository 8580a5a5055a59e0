package io.aloft.fs.hdfs;

import static io.aloft.fs.hdfs.HdfsFileSystemTest.bytes;
import static io.aloft.fs.hdfs.HdfsFileSystemTest.read;
import static io.aloft.fs.hdfs.HdfsFileSystemTest.utf8;
import static io.aloft.fs.hdfs.HdfsFileSystemTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aloft.config.Config;
import io.aloft.engine.testkit.Loopback;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.SafeModeAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the provider meets a failing HDFS. It adds no retries of its own, so these tests show what
 * Hadoop's client does, as tuned through the pass-through keys: a NameNode that refuses connections
 * fails the call at once unless the RPC retry policy is switched on; one that does not answer is tried
 * as often and as long as the ipc.client.connect keys say; a DataNode that comes back during a read is waited for
 * and the read succeeds; one that stays away fails the read after the configured block-acquire
 * retries; permission and safe-mode refusals fail at once, naming the location.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HdfsFaultTest {

  private static MiniHdfs cluster;
  private static DistributedFileSystem admin;

  @BeforeAll
  static void startCluster() {
    cluster = MiniHdfs.shared();
    admin = cluster.admin();
  }

  @AfterAll
  static void closeAdmin() throws IOException {
    if (admin != null) {
      admin.close();
    }
  }

  // --- an unreachable NameNode --------------------------------------------------------------------

  @Test
  void refusedConnectionFailsAtOnceNamingTheNameNode() throws IOException {
    Location file = Location.of("hdfs://127.0.0.1:" + Loopback.closedPort() + "/dir/1.sst");

    Duration took = timeFailure(Config.empty(), file, "cannot connect to the NameNode at hdfs://" + file.authority());

    // A single NameNode's retry policy is "try once" unless dfs.client.retry.policy.enabled is set.
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void refusedConnectionIsRetriedWhenTheRetryPolicyKeysSaySo() throws IOException {
    Location file = Location.of("hdfs://127.0.0.1:" + Loopback.closedPort() + "/dir/1.sst");
    Config config =
        Config.of(
            Map.of(
                "dfs.client.retry.policy.enabled", "true",
                // two retries, each after 150..450 ms (Hadoop randomises 50..150% of 300 ms); the policy
                // governs both connecting and the call, so a call may take several rounds of them
                "dfs.client.retry.policy.spec", "300,2"));

    Duration took = timeFailure(config, file, "cannot connect to the NameNode at hdfs://" + file.authority());

    assertThat(took).isBetween(Duration.ofMillis(300), Duration.ofSeconds(30));
  }

  /**
   * Hadoop reads {@code ipc.client.connect.timeout} once per JVM: all RPC clients share one
   * {@code org.apache.hadoop.ipc.Client}, built from the configuration of whichever came first (here,
   * the MiniDFSCluster's DataNode). So the probe runs in a new JVM, where the provider's file system is
   * the first RPC client, as in an application that uses HDFS only through Aloft.
   */
  @Test
  void silentNameNodeTimesOutAsTheIpcKeysSay(@TempDir java.nio.file.Path dir) throws Exception {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "relies on Linux dropping SYNs");

    Map<Integer, SilentNameNodeProbe.Outcome> outcomes = SilentNameNodeProbe.runInNewJvm(dir, 300, 0, 3);

    SilentNameNodeProbe.Outcome once = outcomes.get(0);
    SilentNameNodeProbe.Outcome fourTimes = outcomes.get(3);
    assertThat(once.message()).contains(once.location()).contains("timed out talking to hdfs://");
    assertThat(fourTimes.message()).contains(fourTimes.location()).contains("timed out talking to hdfs://");
    assertThat(once.took()).isBetween(Duration.ofMillis(290), Duration.ofSeconds(3));
    assertThat(fourTimes.took()).isBetween(Duration.ofMillis(4 * 290), Duration.ofSeconds(6));
  }

  /**
   * Checks that {@code exists} fails naming the file and saying {@code why}, and returns how long it
   * took.
   */
  private static Duration timeFailure(Config config, Location file, String why) throws IOException {
    try (StateFileSystem fs = cluster.fileSystem(config)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> fs.exists(file))
          .isExactlyInstanceOf(IOException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining(why);
      return Duration.ofNanos(System.nanoTime() - start);
    }
  }

  // --- refusals -----------------------------------------------------------------------------------

  @Test
  void writingWhereTheUserMayNotIsAccessDeniedNamingTheLocation() throws IOException {
    Location dir = cluster.freshDirectory("locked");
    admin.mkdirs(HdfsFileSystem.path(dir), new FsPermission((short) 0755)); // the superuser's
    Location file = dir.resolve("1.sst");

    try (StateFileSystem alice = cluster.fileSystem(cluster.config().with("hdfs.user", "alice"))) {
      assertThatThrownBy(() -> alice.newOutputFile(file).create())
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("denied")
          .hasMessageContaining("alice");
      assertThat(admin.listStatus(HdfsFileSystem.path(dir))).isEmpty();
    }
  }

  @Test
  void readingAFileTheUserMayNotReadIsAccessDeniedNamingTheLocation() throws IOException {
    Location file = cluster.freshDirectory("private").resolve("1.sst");
    try (StateFileSystem root = cluster.fileSystem()) {
      write(root, file, utf8("secret"));
    }
    admin.setPermission(HdfsFileSystem.path(file), new FsPermission((short) 0600));

    try (StateFileSystem alice = cluster.fileSystem(cluster.config().with("hdfs.user", "alice"))) {
      assertThat(alice.newInputFile(file).length()).isEqualTo(6); // the directory is readable
      assertThatThrownBy(() -> alice.newInputFile(file).newInput())
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining(file.toString());
      assertThatThrownBy(() -> alice.delete(file))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageContaining(file.toString());
    }
  }

  @Test
  void writingWhileTheNameNodeIsInSafeModeFailsAtOnceSayingSo() throws IOException {
    Location dir = cluster.freshDirectory("safe-mode");
    Location existing = dir.resolve("old.sst");
    try (StateFileSystem fs = cluster.fileSystem()) {
      write(fs, existing, utf8("old"));
      admin.setSafeMode(SafeModeAction.ENTER);
      try {
        Location file = dir.resolve("1.sst");
        assertThatThrownBy(() -> fs.newOutputFile(file).create())
            .isInstanceOf(IOException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("safe mode");

        assertThat(read(fs, existing)).isEqualTo(utf8("old")); // reads go on
      } finally {
        admin.setSafeMode(SafeModeAction.LEAVE);
      }
    }
  }

  @Test
  void publishingIntoSafeModeFailsAndLeavesNoFile() throws IOException {
    Location file = cluster.freshDirectory("safe-mode-publish").resolve("1.sst");
    try (StateFileSystem fs = cluster.fileSystem()) {
      FileOutput out = fs.newOutputFile(file).createExclusive();
      out.write(bytes(1000));
      admin.setSafeMode(SafeModeAction.ENTER);
      try {
        assertThatThrownBy(out::close)
            .isInstanceOf(IOException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("safe mode");
      } finally {
        admin.setSafeMode(SafeModeAction.LEAVE);
      }
      assertThat(fs.exists(file)).isFalse();
    }
  }

  // --- DataNode failures --------------------------------------------------------------------------

  @Test
  void readWhileTheOnlyDataNodeRestartsWaitsForItAndSucceeds() throws Exception {
    Location file = cluster.freshDirectory("datanode-restart").resolve("1.sst");
    byte[] data = bytes(400 * 1024);
    // Up to ten rounds of "no DataNode has the block: wait, re-fetch locations", waiting 200 ms more
    // each round (Hadoop's default: three rounds, 3 s more each).
    Config config =
        cluster.config()
            .with("dfs.client.max.block.acquire.failures", "10")
            .with("dfs.client.retry.window.base", "200");
    try (StateFileSystem fs = cluster.fileSystem(config);
        FileInput in = openAfterWriting(fs, file, data)) {
      Object stopped = cluster.stopDataNode();
      CompletableFuture<byte[]> read;
      try {
        read =
            CompletableFuture.supplyAsync(
                () -> {
                  byte[] buffer = new byte[data.length];
                  try {
                    in.readFully(0, buffer, 0, buffer.length);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                  return buffer;
                });
        Thread.sleep(1000);
        assertThat(read).as("a read with the block's only DataNode down").isNotDone();
      } finally {
        cluster.restartDataNode(stopped);
      }

      // The block's only replica is on that DataNode: these bytes came from it after its restart.
      assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(data);
    }
  }

  @Test
  void readWhileTheOnlyDataNodeIsDownFailsAfterTheClientsRetriesNamingTheLocation() throws Exception {
    Location file = cluster.freshDirectory("datanode-down").resolve("1.sst");
    Config config =
        cluster.config()
            .with("dfs.client.max.block.acquire.failures", "2")
            .with("dfs.client.retry.window.base", "100");
    try (StateFileSystem fs = cluster.fileSystem(config);
        FileInput in = openAfterWriting(fs, file, bytes(1000))) {
      Object stopped = cluster.stopDataNode();
      try {
        long start = System.nanoTime();
        assertThatThrownBy(() -> in.readFully(10, new byte[100], 0, 100))
            .isInstanceOf(IOException.class)
            .isNotInstanceOf(NoSuchFileException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("position 10")
            .hasMessageContaining("no DataNode could serve");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
      } finally {
        cluster.restartDataNode(stopped);
      }
    }
  }

  private static FileInput openAfterWriting(StateFileSystem fs, Location file, byte[] data)
      throws IOException {
    write(fs, file, data);
    FileInput in = fs.newInputFile(file).newInput();
    byte[] first = new byte[10];
    in.readFully(0, first, 0, 10); // the block locations are known; the DataNode served once
    assertThat(first).isEqualTo(Arrays.copyOf(data, 10));
    return in;
  }
}
