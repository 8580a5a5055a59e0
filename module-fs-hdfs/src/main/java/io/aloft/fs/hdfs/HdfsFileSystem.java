package io.aloft.fs.hdfs;

import io.aloft.config.ConfigException;
import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import io.aloft.spi.fs.StateFileSystem;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * The {@code hdfs://} {@link StateFileSystem}; {@link HdfsFileSystemProvider} describes how the contract
 * maps onto HDFS. Thread-safe: Hadoop's {@code DistributedFileSystem} is, and the map of open ones is
 * guarded by this object's monitor.
 */
final class HdfsFileSystem implements StateFileSystem {

  /** A writer's temp file: {@code .<target name>.<16 hex digits>.tmp}, beside the target. */
  private static final Pattern TEMP_NAME = Pattern.compile("\\..*\\.[0-9a-f]{16}\\.tmp");

  // HDFS limits a name to 255 bytes (dfs.namenode.fs-limits.max-component-length); the temp name adds
  // 22 characters to as much of the target's name as fits in 200.
  private static final int TEMP_NAME_MAX_CHARS_OF_TARGET = 200;

  private final Configuration conf;
  private final Optional<String> user;
  private final Map<String, String> passThroughKeys;

  // Guarded by this: opened on first use of an authority, closed by close().
  private final Map<String, DistributedFileSystem> byAuthority = new LinkedHashMap<>();
  private boolean closed;

  /**
   * A file system with Hadoop configuration {@code conf}, acting as {@code user} when present.
   * {@code passThroughKeys} are the Aloft entries copied into {@code conf}, kept to name the key of a
   * value Hadoop cannot parse.
   */
  HdfsFileSystem(Configuration conf, Optional<String> user, Map<String, String> passThroughKeys) {
    this.conf = conf;
    this.user = user;
    this.passThroughKeys = Map.copyOf(passThroughKeys);
  }

  // --- locations and Hadoop file systems ----------------------------------------------------------

  /** Checks that {@code location} is an HDFS location; no I/O. */
  static void check(Location location) {
    if (!HdfsFileSystemProvider.SCHEME.equals(location.scheme())) {
      throw new IllegalArgumentException(
          location + " is not an HDFS location: expected hdfs://namenode:port/path or hdfs:///path");
    }
  }

  /** The Hadoop path of a location: its path alone, the authority being the file system's. */
  static Path path(Location location) {
    try {
      return new Path(new URI(null, null, location.path(), null));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(location + " has a path Hadoop cannot represent", e);
    }
  }

  /**
   * The Hadoop file system serving {@code location}: one per authority, opened on first use with
   * {@code FileSystem.newInstance} and kept until {@link #close()}. Opening sends nothing.
   *
   * @throws ConfigException when the location has no authority and {@code fs.defaultFS} names no HDFS,
   *     or Hadoop rejects a pass-through value (naming the key)
   */
  synchronized DistributedFileSystem hadoop(Location location) throws IOException {
    check(location);
    if (closed) {
      throw new IOException("the HDFS file system is closed; cannot access " + location);
    }
    String authority = authority(location);
    DistributedFileSystem open = byAuthority.get(authority);
    if (open == null) {
      open = newInstance(location, authority);
      byAuthority.put(authority, open);
    }
    return open;
  }

  /** The NameNode or nameservice a location names, or {@code fs.defaultFS}'s for {@code hdfs:///}. */
  private String authority(Location location) {
    if (!location.authority().isEmpty()) {
      return location.authority();
    }
    URI defaultFs = FileSystem.getDefaultUri(conf);
    if (!HdfsFileSystemProvider.SCHEME.equals(defaultFs.getScheme()) || defaultFs.getAuthority() == null) {
      throw new ConfigException(
          FileSystem.FS_DEFAULT_NAME_KEY,
          location + " names no NameNode, and '" + FileSystem.FS_DEFAULT_NAME_KEY + "' is " + defaultFs
              + ", not an hdfs://namenode URI: write the NameNode into the location"
              + " (hdfs://namenode:8020/path) or set '" + FileSystem.FS_DEFAULT_NAME_KEY + "'");
    }
    return defaultFs.getAuthority();
  }

  private DistributedFileSystem newInstance(Location location, String authority) throws IOException {
    URI uri;
    try {
      uri = new URI(HdfsFileSystemProvider.SCHEME, authority, "/", null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(location + ": '" + authority + "' is no NameNode address", e);
    }
    FileSystem fs;
    try {
      fs = user.isPresent() ? FileSystem.newInstance(uri, conf, user.get()) : FileSystem.newInstance(uri, conf);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException("interrupted while opening " + uri + " for " + location);
      interrupted.initCause(e);
      throw interrupted;
    } catch (IOException e) {
      // Hadoop names the URI it was given ("Incomplete HDFS URI, no host"), not the location.
      throw new IOException("Cannot open " + location + " at " + uri + ": " + e.getMessage(), e);
    } catch (NumberFormatException e) {
      throw malformedValue(uri, e);
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof UnknownHostException) {
        throw new IOException(
            "Cannot open " + location + ": unknown host in " + uri + " (" + e.getCause().getMessage() + ")",
            e);
      }
      throw new IllegalArgumentException(
          "Cannot open " + location + " at " + uri + ": " + e.getMessage(), e);
    }
    if (fs instanceof DistributedFileSystem dfs) {
      return dfs;
    }
    String implementation = fs.getClass().getName();
    fs.close();
    throw new ConfigException(
        "fs.hdfs.impl",
        "hdfs:// is served by " + implementation + ", not HDFS's DistributedFileSystem: the provider"
            + " needs HDFS's atomic rename; remove the 'fs.hdfs.impl' override");
  }

  /** A pass-through value Hadoop could not parse as a number, named by its key when it can be found. */
  private ConfigException malformedValue(URI uri, NumberFormatException e) {
    String message = String.valueOf(e.getMessage());
    for (Map.Entry<String, String> entry : passThroughKeys.entrySet()) {
      if (message.contains('"' + entry.getValue() + '"')) {
        return new ConfigException(
            entry.getKey(),
            "Invalid value for '" + entry.getKey() + "': '" + entry.getValue()
                + "' (Hadoop expects a number there: " + message + ")",
            e);
      }
    }
    return new ConfigException(
        null,
        "Hadoop cannot parse its configuration for " + uri + ": " + message
            + " (check the fs.*, dfs.*, ipc.* and hadoop.* keys and hdfs.config-files)",
        e);
  }

  /** The contract's exception for a failed operation on {@code location} served by {@code fs}. */
  static IOException translate(IOException e, String operation, Location location, FileSystem fs) {
    return HdfsErrors.translate(e, operation, location, fs.getUri());
  }

  // --- StateFileSystem ----------------------------------------------------------------------------

  @Override
  public InputFile newInputFile(Location location) {
    check(location);
    return new HdfsInputFile(this, location, HdfsInputFile.UNKNOWN_LENGTH);
  }

  /** The file's modification time, from the NameNode's file status. */
  @Override
  public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
    check(location);
    long millis = new HdfsInputFile(this, location, HdfsInputFile.UNKNOWN_LENGTH).fileStatus().getModificationTime();
    return java.util.Optional.of(java.time.Instant.ofEpochMilli(millis));
  }

  @Override
  public InputFile newInputFile(Location location, long length) {
    check(location);
    if (length < 0) {
      throw new IllegalArgumentException("negative length " + length + " for " + location);
    }
    return new HdfsInputFile(this, location, length);
  }

  @Override
  public OutputFile newOutputFile(Location location) {
    check(location);
    if (location.path().equals("/")) {
      throw new IllegalArgumentException(location + " is the root directory, not a file");
    }
    return new HdfsOutputFile(this, location);
  }

  /** Every file below {@code directory}, walking it one listing page at a time; temp files excluded. */
  @Override
  public List<FileEntry> list(Location directory) throws IOException {
    DistributedFileSystem fs = hadoop(directory);
    List<FileEntry> entries = new ArrayList<>();
    try {
      walk(fs, directory, entries);
    } catch (IOException e) {
      throw translate(e, "LIST", directory, fs);
    }
    return entries;
  }

  private static void walk(DistributedFileSystem fs, Location directory, List<FileEntry> entries)
      throws IOException {
    try {
      RemoteIterator<FileStatus> children = fs.listStatusIterator(path(directory));
      while (children.hasNext()) {
        FileStatus child = children.next();
        if (child.getPath().toUri().getPath().equals(directory.path())) {
          return; // the location is a file: nothing is below it
        }
        Location location = directory.resolve(child.getPath().getName());
        if (child.isDirectory()) {
          walk(fs, location, entries);
        } else if (!isTemp(child.getPath().getName())) {
          entries.add(new FileEntry(location, child.getLen()));
        }
      }
    } catch (FileNotFoundException absentOrDeletedMeanwhile) {
      // An absent directory has no files; one deleted during the walk has none left either.
    }
  }

  @Override
  public void delete(Location location) throws IOException {
    DistributedFileSystem fs = hadoop(location);
    try {
      fs.delete(path(location), false); // false when absent: not an error
    } catch (IOException e) {
      throw translate(e, "DELETE", location, fs);
    }
  }

  /**
   * Deletes the directory and everything in it with one recursive delete, bypassing the HDFS trash.
   * The root is emptied child by child (HDFS refuses to delete it); a file is left alone, having
   * nothing below it.
   */
  @Override
  public void deleteRecursively(Location directory) throws IOException {
    DistributedFileSystem fs = hadoop(directory);
    try {
      FileStatus status;
      try {
        status = fs.getFileStatus(path(directory));
      } catch (FileNotFoundException absent) {
        return;
      }
      if (!status.isDirectory()) {
        return;
      }
      if (directory.path().equals("/")) {
        for (FileStatus child : fs.listStatus(path(directory))) {
          fs.delete(child.getPath(), true);
        }
      } else {
        fs.delete(path(directory), true);
      }
    } catch (IOException e) {
      throw translate(e, "DELETE (recursively)", directory, fs);
    }
  }

  /** False: HDFS has no server-side copy, so {@link #copy} streams the bytes through this process. */
  @Override
  public boolean supportsFastCopy() {
    return false;
  }

  /** Closes every Hadoop file system opened; later calls fail. Failures are joined. */
  @Override
  public void close() throws IOException {
    List<DistributedFileSystem> open;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open = new ArrayList<>(byAuthority.values());
      byAuthority.clear();
    }
    IOException failure = null;
    for (DistributedFileSystem fs : open) {
      try {
        fs.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = new IOException("closing the HDFS client of " + fs.getUri() + " failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The Hadoop file systems open now, for tests. */
  synchronized List<DistributedFileSystem> openFileSystems() {
    return List.copyOf(byAuthority.values());
  }

  @Override
  public String toString() {
    return "HdfsFileSystem" + user.map(u -> "[user " + u + "]").orElse("");
  }

  // --- temp files ---------------------------------------------------------------------------------

  static boolean isTemp(String name) {
    return TEMP_NAME.matcher(name).matches();
  }

  /** A fresh temp path beside {@code target}, so that publishing renames within one directory. */
  static Path tempFor(Location target) {
    String name = target.fileName();
    if (name.length() > TEMP_NAME_MAX_CHARS_OF_TARGET) {
      int end = TEMP_NAME_MAX_CHARS_OF_TARGET;
      end -= Character.isHighSurrogate(name.charAt(end - 1)) ? 1 : 0;
      name = name.substring(0, end);
    }
    String temp = "." + name + "." + String.format("%016x", ThreadLocalRandom.current().nextLong()) + ".tmp";
    return path(target.parent().resolve(temp));
  }
}
