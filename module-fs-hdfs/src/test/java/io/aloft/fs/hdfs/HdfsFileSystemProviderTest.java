package io.aloft.fs.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider's scheme and configuration; nothing here reaches a NameNode. */
class HdfsFileSystemProviderTest {

  private final HdfsFileSystemProvider provider = new HdfsFileSystemProvider();

  @Test
  void servesHdfs() {
    assertThat(provider.schemes()).containsExactly("hdfs");
  }

  @Test
  void declaresEveryKeyItReads() {
    assertThat(provider.options())
        .extracting(ConfigOption::key)
        .containsExactly("hdfs.config-files", "hdfs.user");
    assertThat(provider.options()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
  }

  @Test
  void createsWithoutContactingTheNameNode() throws Exception {
    // Port 9 (discard) on loopback: nothing listens, and nothing is sent before the first access.
    try (StateFileSystem fs = provider.create("hdfs", Config.empty())) {
      fs.newInputFile(Location.of("hdfs://127.0.0.1:9/a.sst"));
      fs.newOutputFile(Location.of("hdfs://127.0.0.1:9/a.sst"));
    }
  }

  @Test
  void hadoopKeysPassThroughVerbatimAndOthersDoNot() {
    Config config =
        Config.of(
            Map.of(
                "dfs.replication", "2",
                "fs.defaultFS", "hdfs://127.0.0.1:9",
                "ipc.client.connect.max.retries", "0",
                "hadoop.security.authentication", "simple",
                "state.backend.type", "forst",
                "hdfs.user", "alice"));

    Configuration hadoop = HdfsFileSystemProvider.hadoopConfiguration(config);

    assertThat(hadoop.get("dfs.replication")).isEqualTo("2");
    assertThat(hadoop.get("fs.defaultFS")).isEqualTo("hdfs://127.0.0.1:9");
    assertThat(hadoop.get("ipc.client.connect.max.retries")).isEqualTo("0");
    assertThat(hadoop.get("hadoop.security.authentication")).isEqualTo("simple");
    assertThat(hadoop.get("state.backend.type")).isNull();
    assertThat(hadoop.get("hdfs.user")).isNull();
  }

  @Test
  void configFilesAreReadInOrderAndPassThroughKeysWinOverThem(@TempDir Path dir) throws Exception {
    Path core = hadoopXml(dir.resolve("core-site.xml"), Map.of("fs.defaultFS", "hdfs://from-core:8020", "a.key", "core"));
    Path hdfs = hadoopXml(dir.resolve("hdfs-site.xml"), Map.of("a.key", "hdfs", "dfs.replication", "5"));
    Config config =
        Config.of(Map.of("hdfs.config-files", core + ", " + hdfs, "dfs.replication", "2"));

    Configuration hadoop = HdfsFileSystemProvider.hadoopConfiguration(config);

    assertThat(hadoop.get("fs.defaultFS")).isEqualTo("hdfs://from-core:8020");
    assertThat(hadoop.get("a.key")).isEqualTo("hdfs");
    assertThat(hadoop.get("dfs.replication")).isEqualTo("2");
  }

  @Test
  void missingConfigFileIsRejectedNamingTheKeyAndFile(@TempDir Path dir) {
    Path missing = dir.resolve("hdfs-site.xml");
    Config config = Config.of(Map.of("hdfs.config-files", missing.toString()));

    assertThatThrownBy(() -> provider.create("hdfs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hdfs.config-files")
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void malformedConfigFileIsRejectedNamingTheKeyAndFile(@TempDir Path dir) throws Exception {
    Path broken = Files.writeString(dir.resolve("core-site.xml"), "<configuration><property><name>x");
    Config config = Config.of(Map.of("hdfs.config-files", broken.toString()));

    assertThatThrownBy(() -> provider.create("hdfs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hdfs.config-files")
        .hasMessageContaining(broken.toString());
  }

  @Test
  void misspelledKeyIsRejectedWithTheClosestKnownKey() {
    Config config = Config.of(Map.of("hdfs.usr", "alice"));

    assertThatThrownBy(() -> provider.create("hdfs", config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hdfs.usr")
        .hasMessageContaining("hdfs.user");
  }

  @Test
  void blankUserIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> provider.create("hdfs", Config.of(Map.of("hdfs.user", " "))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hdfs.user");
  }

  @Test
  void malformedHadoopNumberIsRejectedAtFirstAccessNamingTheKey() throws Exception {
    Location file = Location.of("hdfs://127.0.0.1:9/a.sst");
    try (StateFileSystem fs = provider.create("hdfs", Config.of(Map.of("dfs.replication", "three")))) {
      assertThatThrownBy(() -> fs.exists(file))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("dfs.replication")
          .hasMessageContaining("three");
    }
  }

  @Test
  void locationWithoutNameNodeNeedsAnHdfsDefaultFs() throws Exception {
    Location file = Location.of("hdfs:///a.sst");
    try (StateFileSystem fs = provider.create("hdfs", Config.empty())) {
      assertThatThrownBy(() -> fs.newInputFile(file).length())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("fs.defaultFS")
          .hasMessageContaining(file.toString());
    }
  }

  @Test
  void nameNodeAddressWithoutValidPortIsRejectedNamingTheLocation() throws Exception {
    Location file = Location.of("hdfs://127.0.0.1:port/a.sst");
    try (StateFileSystem fs = provider.create("hdfs", Config.empty())) {
      assertThatThrownBy(() -> fs.exists(file))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("no host");
    }
  }

  @Test
  void otherSchemesAreRefused() {
    assertThatThrownBy(() -> provider.create("s3", Config.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s3");
  }

  @Test
  void locationsOfOtherSchemesAreRefusedNamingThem() throws Exception {
    try (StateFileSystem fs = provider.create("hdfs", Config.empty())) {
      assertThatThrownBy(() -> fs.newInputFile(Location.of("s3://bucket/a.sst")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("s3://bucket/a.sst");
    }
  }

  private static Path hadoopXml(Path file, Map<String, String> properties) throws Exception {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
    properties.forEach(
        (k, v) -> xml.append("  <property><name>").append(k).append("</name><value>").append(v)
            .append("</value></property>\n"));
    return Files.writeString(file, xml.append("</configuration>\n"));
  }
}
