package io.aloft.fs.hdfs;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/** An HDFS file to write, through a temp file beside it that {@link FileOutput#close()} renames. */
final class HdfsOutputFile implements OutputFile {

  private final HdfsFileSystem fs;
  private final Location location;

  HdfsOutputFile(HdfsFileSystem fs, Location location) {
    this.fs = fs;
    this.location = location;
  }

  @Override
  public Location location() {
    return location;
  }

  /** Publishes with a rename that replaces an existing file in one NameNode operation. */
  @Override
  public FileOutput create() throws IOException {
    return open(Options.Rename.OVERWRITE);
  }

  /**
   * Checked now, so that a doomed writer learns before it writes; what decides is the rename without
   * overwrite at close, which the NameNode refuses atomically when the name is taken.
   */
  @Override
  public FileOutput createExclusive() throws IOException {
    DistributedFileSystem hadoop = fs.hadoop(location);
    boolean exists;
    try {
      exists = hadoop.exists(HdfsFileSystem.path(location));
    } catch (IOException e) {
      throw HdfsFileSystem.translate(e, "CREATE (exclusive)", location, hadoop);
    }
    if (exists) {
      throw new FileAlreadyExistsException(location.toString(), null, "it exists");
    }
    return open(Options.Rename.NONE);
  }

  private FileOutput open(Options.Rename publish) throws IOException {
    DistributedFileSystem hadoop = fs.hadoop(location);
    Path temp = HdfsFileSystem.tempFor(location);
    FSDataOutputStream out;
    try {
      // Creates the missing parent directories; the random name makes a clash all but impossible,
      // and overwrite=false turns one into an error rather than a shared file.
      out = hadoop.create(temp, false);
    } catch (IOException e) {
      throw HdfsFileSystem.translate(e, "CREATE", location, hadoop);
    }
    return new HdfsFileOutput(location, hadoop, temp, out, publish);
  }

  @Override
  public String toString() {
    return location.toString();
  }
}
