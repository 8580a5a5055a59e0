package io.aloft.fs.hdfs;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * Writes a temp file; {@link #close()} completes it (the DataNodes have every byte) and renames it
 * onto the target, with or without overwrite. Used by one thread, like every {@code OutputStream}.
 */
final class HdfsFileOutput extends FileOutput {

  private final Location location;
  private final DistributedFileSystem fs;
  private final Path temp;
  private final FSDataOutputStream out;
  private final Options.Rename publish;

  // Owned by the writing thread.
  private boolean open = true;

  HdfsFileOutput(
      Location location, DistributedFileSystem fs, Path temp, FSDataOutputStream out, Options.Rename publish) {
    this.location = location;
    this.fs = fs;
    this.temp = temp;
    this.out = out;
    this.publish = publish;
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    try {
      out.write(b);
    } catch (IOException e) {
      throw HdfsFileSystem.translate(e, "WRITE", location, fs);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw HdfsFileSystem.translate(e, "WRITE", location, fs);
    }
  }

  @Override
  public void flush() throws IOException {
    // Wrapping streams flush again after closing us; nothing can be pending then. Flushing publishes
    // nothing: readers see the file only after close().
    if (open) {
      try {
        out.flush();
      } catch (IOException e) {
        throw HdfsFileSystem.translate(e, "WRITE", location, fs);
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (!open) {
      return;
    }
    open = false;
    String operation = "CLOSE";
    try {
      out.close();
      operation = publish == Options.Rename.NONE ? "PUBLISH (exclusive)" : "PUBLISH";
      fs.rename(temp, HdfsFileSystem.path(location), publish);
    } catch (IOException e) {
      IOException failure =
          e instanceof org.apache.hadoop.fs.FileAlreadyExistsException
              ? alreadyExists(e)
              : HdfsFileSystem.translate(e, operation, location, fs);
      deleteTemp(failure);
      throw failure;
    }
  }

  private FileAlreadyExistsException alreadyExists(IOException cause) {
    FileAlreadyExistsException e =
        new FileAlreadyExistsException(
            location.toString(), null, "written by another writer while this one was open");
    e.initCause(cause);
    return e;
  }

  /**
   * Closes the temp file and deletes it. A failure to close is not reported when the delete succeeds:
   * the bytes were to be discarded anyway, and after a failed write the stream rethrows that failure.
   */
  @Override
  public void abort() throws IOException {
    if (!open) {
      return;
    }
    open = false;
    IOException closing = null;
    try {
      out.close();
    } catch (IOException e) {
      closing = e;
    }
    try {
      fs.delete(temp, false);
    } catch (IOException e) {
      IOException failure = HdfsFileSystem.translate(e, "ABORT (deleting the temp file " + temp + ")", location, fs);
      if (closing != null) {
        failure.addSuppressed(closing);
      }
      throw failure;
    }
  }

  private void deleteTemp(IOException failure) {
    try {
      fs.delete(temp, false);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private void ensureOpen() throws IOException {
    if (!open) {
      throw new IOException(location + ": the stream is already closed");
    }
  }
}
