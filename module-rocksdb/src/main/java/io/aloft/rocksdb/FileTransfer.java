package io.aloft.rocksdb;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Moves whole files between the local working directory and checkpoint storage, through the storage
 * SPI: uploads when a checkpoint is taken, downloads when one is restored.
 *
 * <p>Threading: the buffer is reused by every transfer, so one thread (the task thread, which takes
 * checkpoints and restores) uses an instance at a time.
 */
final class FileTransfer {
  private static final int BUFFER_BYTES = 1 << 20;

  private final FileSystems fileSystems;
  private byte[] buffer;

  FileTransfer(FileSystems fileSystems) {
    this.fileSystems = fileSystems;
  }

  /**
   * Writes {@code source} to {@code target}, replacing a file there. Callers upload only to locations
   * of their own backend run (see {@link RocksDbSnapshot}), where a file of the same name is a leftover
   * of the same content (SST files) or of a failed attempt at the same checkpoint, never another
   * writer's file.
   *
   * @return the bytes written
   */
  long upload(Path source, Location target) throws IOException {
    byte[] buf = buffer();
    long written = 0;
    try (InputStream in = Files.newInputStream(source)) {
      FileOutput out = fileSystems.forLocation(target).newOutputFile(target).create();
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
          written += n;
        }
      } catch (IOException | RuntimeException e) {
        abort(out, e);
        throw e;
      }
      out.close();
    }
    return written;
  }

  /**
   * Reads the {@code size} bytes of {@code source} into the new local file {@code target}.
   *
   * @throws RocksDbCheckpointException if {@code source} is shorter than {@code size}
   */
  void download(Location source, long size, Path target) throws IOException {
    byte[] buf = buffer();
    try (FileInput in = fileSystems.forLocation(source).newInputFile(source, size).newInput();
        OutputStream out =
            Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long pos = 0; pos < size; ) {
        int n = (int) Math.min(buf.length, size - pos);
        in.readFully(pos, buf, 0, n);
        out.write(buf, 0, n);
        pos += n;
      }
    } catch (EOFException e) {
      throw new RocksDbCheckpointException(
          "Checkpoint file " + source + " is shorter than the " + size + " bytes its checkpoint lists",
          e);
    }
  }

  /** The file system serving {@code location}. */
  StateFileSystem fileSystem(Location location) throws IOException {
    return fileSystems.forLocation(location);
  }

  private byte[] buffer() {
    if (buffer == null) {
      buffer = new byte[BUFFER_BYTES];
    }
    return buffer;
  }

  private static void abort(FileOutput out, Exception failure) {
    try {
      out.abort();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
