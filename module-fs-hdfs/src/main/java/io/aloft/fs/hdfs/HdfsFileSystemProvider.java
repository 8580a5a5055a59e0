package io.aloft.fs.hdfs;

import io.aloft.config.Config;
import io.aloft.config.ConfigException;
import io.aloft.config.ConfigOption;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.StateFileSystem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * The {@code hdfs://} storage provider: HDFS through Hadoop's shaded client. A location's authority is
 * the NameNode ({@code host:port}) or an HA nameservice; {@code hdfs:///path} (no authority) means the
 * file system named by Hadoop's {@code fs.defaultFS}.
 *
 * <p>How the storage contract maps onto HDFS:
 *
 * <ul>
 *   <li>Reads are positional reads ({@code PositionedReadable.readFully(position, …)}) on one open
 *       {@code FSDataInputStream}, safe from many threads at once; {@code readTail} is one such read at
 *       {@code length - n}. {@code newInput()} opens the file (one NameNode call, which also tells its
 *       length), so a missing file fails there.
 *   <li>A writer writes a hidden temp file beside its target ({@code .<name>.<16 hex digits>.tmp}) and
 *       {@code close()} renames it onto the target: the file appears whole, never half-written.
 *       {@code create()} renames with {@code Options.Rename.OVERWRITE}, replacing an old file in one
 *       NameNode operation. {@code createExclusive()} renames with {@code Options.Rename.NONE}: the
 *       NameNode decides atomically, and its {@code FileAlreadyExistsException} becomes
 *       {@link java.nio.file.FileAlreadyExistsException}; an existing target is also checked at
 *       {@code createExclusive()}, so a doomed writer learns before it writes. {@code abort()} closes
 *       and deletes the temp file. {@code list} never shows temp files.
 *   <li>HDFS has no server-side copy: {@code supportsFastCopy()} is false and {@code copy} streams the
 *       bytes through this process (the SPI's fallback), publishing the target like any other write.
 *   <li>{@code list} walks the directory tree page by page ({@code listStatusIterator});
 *       {@code deleteRecursively} is one recursive delete; {@code delete} of a missing file is a
 *       no-op.
 *   <li>Errors name the location: a missing file is {@link java.nio.file.NoSuchFileException}, a
 *       permission failure {@link java.nio.file.AccessDeniedException} naming the operation, an
 *       unreachable NameNode an {@link java.io.IOException} naming it, safe mode and standby NameNodes
 *       say so.
 * </ul>
 *
 * <p><b>Retries are Hadoop's.</b> The provider adds no retry loop of its own: Hadoop's client already
 * retries at several layers, and a loop around it would multiply its waits. What the client does with
 * its defaults, and the pass-through keys that change it (docs/storage-hdfs.md has the whole table):
 *
 * <ul>
 *   <li>A NameNode that refuses connections (nothing listens) fails the call at once: for a single
 *       NameNode the RPC retry policy is "try once" unless {@code dfs.client.retry.policy.enabled} is
 *       true, in which case {@code dfs.client.retry.policy.spec} ({@code 10000,6,60000,10}: six retries
 *       about 10 s apart, then ten about 60 s apart) applies both to connecting and to the call.
 *       {@code ipc.client.connect.max.retries} does not apply to the NameNode of an hdfs:// URI.
 *   <li>A NameNode that does not answer connection attempts at all (a dropped host) is tried
 *       {@code ipc.client.connect.max.retries.on.timeouts} + 1 times (default 46) for
 *       {@code ipc.client.connect.timeout} each (default 20 s): about 15 minutes. Lower both where a
 *       fast failure matters more than riding out a network partition.
 *   <li>With an HA nameservice the client fails over between NameNodes up to
 *       {@code dfs.client.failover.max.attempts} (15) times with backoff.
 *   <li>A read whose DataNode fails moves to another replica; when none is left the client waits and
 *       re-fetches the block locations, up to {@code dfs.client.max.block.acquire.failures} (3) rounds,
 *       waiting {@code dfs.client.retry.window.base} (3000 ms) longer each round. A DataNode that
 *       comes back meanwhile serves the read.
 *   <li>A write whose DataNode fails continues on the pipeline's remaining DataNodes (replacing the
 *       failed one as {@code dfs.client.block.write.replace-datanode-on-failure.*} says).
 * </ul>
 *
 * <p>What escapes all that is final and names the location, as the storage contract asks.
 *
 * <p><b>Hadoop configuration.</b> The Hadoop {@code Configuration} starts from Hadoop's defaults and
 * any {@code core-site.xml} / {@code hdfs-site.xml} on the class path, then reads the files of
 * {@link #CONFIG_FILES} in order, then takes every Aloft key starting with one of
 * {@link #PASS_THROUGH_PREFIXES} verbatim ({@code dfs.replication: 2},
 * {@code ipc.client.connect.max.retries: 3}, {@code hadoop.security.authentication: kerberos}, …).
 * Later sources win.
 *
 * <p><b>FileSystem instances.</b> Each {@code StateFileSystem} this provider creates opens one Hadoop
 * {@code FileSystem} per authority it meets, with {@code FileSystem.newInstance} (never Hadoop's global
 * cache, which other code in the process may share and close), and closes them all when it is closed.
 */
public final class HdfsFileSystemProvider implements FileSystemProvider {

  public static final String SCHEME = "hdfs";

  /**
   * Aloft keys with these prefixes are set on the Hadoop {@code Configuration} as they are: HDFS client
   * keys ({@code dfs.}), file-system keys ({@code fs.}, e.g. {@code fs.defaultFS}), RPC keys
   * ({@code ipc.}, connect retries and timeouts) and security keys ({@code hadoop.}, e.g.
   * {@code hadoop.security.authentication}). Aloft's own keys never use them.
   */
  public static final List<String> PASS_THROUGH_PREFIXES = List.of("fs.", "dfs.", "ipc.", "hadoop.");

  public static final ConfigOption<String> CONFIG_FILES =
      ConfigOption.string(
          "hdfs.config-files",
          null,
          "Comma-separated Hadoop XML configuration files read in order, e.g."
              + " /etc/hadoop/conf/core-site.xml,/etc/hadoop/conf/hdfs-site.xml. Default: none (only"
              + " Hadoop's defaults, *-site.xml files on the class path, and the pass-through keys fs.*,"
              + " dfs.*, ipc.*, hadoop.*).");

  public static final ConfigOption<String> USER =
      ConfigOption.string(
          "hdfs.user",
          null,
          "User to act as with simple (non-Kerberos) authentication. Default: Hadoop's login user"
              + " (HADOOP_USER_NAME, else the operating-system user). With Kerberos, the logged-in"
              + " principal must be allowed to impersonate this user.");

  private static final List<ConfigOption<?>> OPTIONS = List.of(CONFIG_FILES, USER);

  public HdfsFileSystemProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of(SCHEME);
  }

  /**
   * Creates an HDFS file system from the {@code hdfs.} keys and the pass-through Hadoop keys. Nothing
   * is sent: an unreachable NameNode shows at the first access, naming the location.
   *
   * @throws ConfigException naming the key when an {@code hdfs.} key is unknown or malformed, or a file
   *     of {@code hdfs.config-files} is missing or unreadable
   * @throws IllegalArgumentException if {@code scheme} is not {@code hdfs}
   */
  @Override
  public StateFileSystem create(String scheme, Config config) {
    if (!SCHEME.equals(scheme)) {
      throw new IllegalArgumentException("The HDFS provider serves the scheme hdfs, not '" + scheme + "'");
    }
    config.validate("hdfs.", OPTIONS);
    Configuration hadoop = hadoopConfiguration(config);
    Optional<String> user = config.getOptional(USER);
    if (user.isPresent() && user.get().isBlank()) {
      throw new ConfigException(
          USER.key(), "Invalid value for '" + USER.key() + "': a user name must not be blank");
    }
    return new HdfsFileSystem(hadoop, user, passThroughKeys(config));
  }

  /** The configuration keys this provider reads, all under {@code hdfs.}; see the class comment for the rest. */
  @Override
  public List<ConfigOption<?>> options() {
    return OPTIONS;
  }

  /** Hadoop's defaults, then {@link #CONFIG_FILES}, then the pass-through keys. */
  static Configuration hadoopConfiguration(Config config) {
    Configuration hadoop = new Configuration();
    List<Path> files = configFiles(config);
    for (Path file : files) {
      hadoop.addResource(new org.apache.hadoop.fs.Path(file.toUri()));
    }
    try {
      hadoop.size(); // Hadoop parses its resources lazily: make a broken file fail here, named.
    } catch (RuntimeException e) {
      throw new ConfigException(
          CONFIG_FILES.key(),
          "Invalid value for '" + CONFIG_FILES.key() + "': cannot read Hadoop configuration from "
              + files + ": " + e.getMessage(),
          e);
    }
    passThroughKeys(config).forEach(hadoop::set);
    return hadoop;
  }

  /** The Aloft entries that are Hadoop keys, by key. */
  static Map<String, String> passThroughKeys(Config config) {
    Map<String, String> keys = new TreeMap<>();
    for (String prefix : PASS_THROUGH_PREFIXES) {
      keys.putAll(config.withPrefix(prefix));
    }
    return keys;
  }

  private static List<Path> configFiles(Config config) {
    Optional<String> text = config.getOptional(CONFIG_FILES);
    List<Path> files = new ArrayList<>();
    if (text.isEmpty()) {
      return files;
    }
    for (String name : text.get().split(",")) {
      String trimmed = name.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      Path file;
      try {
        file = Path.of(trimmed).toAbsolutePath();
      } catch (InvalidPathException e) {
        throw new ConfigException(
            CONFIG_FILES.key(), "Invalid value for '" + CONFIG_FILES.key() + "': " + e.getMessage(), e);
      }
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new ConfigException(
            CONFIG_FILES.key(),
            "Invalid value for '" + CONFIG_FILES.key() + "': " + file
                + (Files.exists(file) ? " is not a readable file" : " does not exist"));
      }
      files.add(file);
    }
    return files;
  }
}
