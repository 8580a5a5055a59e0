package io.aloft.fs.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the provider does on HDFS beyond the shared contract: Hadoop keys reach the cluster, one Hadoop
 * client per NameNode closed with the file system, temp files stay hidden, and the user acted as.
 */
class HdfsFileSystemTest {

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

  @Test
  void passThroughKeysShapeTheWrittenFile() throws IOException {
    Location file = cluster.freshDirectory("pass-through").resolve("a.sst");
    byte[] data = bytes(600 * 1024);
    try (StateFileSystem fs = cluster.fileSystem(cluster.config().with("dfs.replication", "1"))) {
      write(fs, file, data);

      FileStatus status = admin.getFileStatus(HdfsFileSystem.path(file));
      assertThat(status.getBlockSize()).as("dfs.blocksize").isEqualTo(256 * 1024);
      assertThat(status.getReplication()).as("dfs.replication").isEqualTo((short) 1);
      assertThat(admin.getFileBlockLocations(status, 0, status.getLen())).hasSize(3);
      byte[] across = new byte[100];
      try (FileInput in = fs.newInputFile(file).newInput()) {
        in.readFully(256 * 1024 - 50, across, 0, 100); // spans the first block boundary
      }
      assertThat(across).isEqualTo(Arrays.copyOfRange(data, 256 * 1024 - 50, 256 * 1024 + 50));
    }
  }

  @Test
  void locationWithoutNameNodeUsesTheDefaultFs() throws IOException {
    Location named = cluster.freshDirectory("default-fs").resolve("a.sst");
    Location unnamed = new Location("hdfs", "", named.path());
    Config config = cluster.config().with("fs.defaultFS", "hdfs://" + named.authority());
    try (StateFileSystem fs = cluster.fileSystem(config)) {
      write(fs, unnamed, utf8("via fs.defaultFS"));

      assertThat(read(fs, named)).isEqualTo(utf8("via fs.defaultFS"));
      assertThat(fs.list(unnamed.parent())).containsExactly(new FileEntry(unnamed, 16));
    }
  }

  @Test
  void oneHadoopClientPerNameNodeAllClosedWithTheFileSystem() throws IOException {
    Location file = cluster.freshDirectory("clients").resolve("a.sst");
    int port = Integer.parseInt(file.authority().substring(file.authority().indexOf(':') + 1));
    Location byAddress = new Location("hdfs", "127.0.0.1:" + port, file.path());
    Location byName = new Location("hdfs", "localhost:" + port, file.path());
    HdfsFileSystem fs = (HdfsFileSystem) cluster.fileSystem();
    write(fs, byAddress, utf8("a"));
    assertThat(fs.exists(byAddress)).isTrue();
    assertThat(fs.exists(byName)).isTrue();
    assertThat(fs.openFileSystems()).hasSize(2);
    DistributedFileSystem client = fs.openFileSystems().get(0);

    fs.close();

    assertThat(fs.openFileSystems()).isEmpty();
    assertThatThrownBy(() -> client.exists(new Path("/"))).hasMessageContaining("Filesystem closed");
    assertThatThrownBy(() -> fs.exists(byAddress))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed")
        .hasMessageContaining(byAddress.toString());
  }

  @Test
  void closingDoesNotCloseHadoopsSharedClients() throws IOException {
    Location file = cluster.freshDirectory("global-cache").resolve("a.sst");
    URI namenode = URI.create("hdfs://" + file.authority() + "/");
    FileSystem global = FileSystem.get(namenode, new Configuration());
    try (StateFileSystem fs = cluster.fileSystem()) {
      write(fs, file, utf8("a"));
      assertThat(((HdfsFileSystem) fs).openFileSystems()).doesNotContain((DistributedFileSystem) global);
    }

    assertThat(global.exists(HdfsFileSystem.path(file))).isTrue(); // still open
  }

  @Test
  void tempFileOfACrashedWriterIsNeitherListedNorKeptByRecursiveDelete() throws IOException {
    Location dir = cluster.freshDirectory("crashed-writer");
    Location file = dir.resolve("1.sst");
    Path temp = HdfsFileSystem.tempFor(file);
    admin.create(temp).close(); // as a writer that died before publishing would leave it
    try (StateFileSystem fs = cluster.fileSystem()) {
      write(fs, dir.resolve("2.sst"), utf8("kept"));

      assertThat(fs.list(dir)).containsExactly(new FileEntry(dir.resolve("2.sst"), 4));
      assertThat(fs.exists(file)).isFalse();

      fs.deleteRecursively(dir);
      assertThat(admin.exists(temp)).isFalse();
    }
  }

  @Test
  void aFileHasNothingBelowItToListOrDelete() throws IOException {
    Location file = cluster.freshDirectory("file-as-directory").resolve("a.sst");
    try (StateFileSystem fs = cluster.fileSystem()) {
      write(fs, file, utf8("a"));

      assertThat(fs.list(file)).isEmpty();
      fs.deleteRecursively(file);
      assertThat(fs.exists(file)).isTrue();
    }
  }

  @Test
  void copyIsNotFastAndStreamsTheBytes() throws IOException {
    Location dir = cluster.freshDirectory("copy");
    byte[] data = bytes(300 * 1024);
    try (StateFileSystem fs = cluster.fileSystem()) {
      write(fs, dir.resolve("a.sst"), data);

      assertThat(fs.supportsFastCopy()).isFalse();
      fs.copy(dir.resolve("a.sst"), dir.resolve("b.sst"));

      assertThat(read(fs, dir.resolve("b.sst"))).isEqualTo(data);
    }
  }

  @Test
  void filesAreWrittenAsTheConfiguredUser() throws IOException {
    Path home = new Path("/user-" + System.nanoTime() + "/alice");
    admin.mkdirs(home);
    admin.setOwner(home, "alice", "alice");
    Location file = cluster.root().resolve(home.toUri().getPath().substring(1) + "/a.sst");
    try (StateFileSystem fs = cluster.fileSystem(cluster.config().with("hdfs.user", "alice"))) {
      write(fs, file, utf8("mine"));
    }

    FileStatus status = admin.getFileStatus(HdfsFileSystem.path(file));
    assertThat(status.getOwner()).isEqualTo("alice");
    assertThat(status.getPermission()).isEqualTo(new FsPermission((short) 0644));
  }

  // --- helpers ------------------------------------------------------------------------------------

  static void write(StateFileSystem fs, Location file, byte[] data) throws IOException {
    FileOutput out = fs.newOutputFile(file).create();
    out.write(data);
    out.close();
  }

  static byte[] read(StateFileSystem fs, Location file) throws IOException {
    byte[] data = new byte[Math.toIntExact(fs.newInputFile(file).length())];
    try (FileInput in = fs.newInputFile(file).newInput()) {
      in.readFully(0, data, 0, data.length);
    }
    return data;
  }

  static byte[] bytes(int n) {
    byte[] data = new byte[n];
    new Random(n).nextBytes(data);
    return data;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
