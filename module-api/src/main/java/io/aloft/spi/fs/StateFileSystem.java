package io.aloft.spi.fs;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.List;

/**
 * Access to one storage system (a local disk, a bucket, a DFS) — the only door through which Aloft
 * reads and writes state.
 *
 * <p>The contract holds for hierarchical stores (local, HDFS) and blob stores (S3, GCS, Azure) alike:
 *
 * <ul>
 *   <li>Files are written once, appear whole when their stream closes, and never change afterwards.
 *   <li>Directories are implicit: writing a file creates its parents, and a directory with no file in
 *       it need not exist.
 *   <li>A missing file is {@link java.nio.file.NoSuchFileException}; an exclusive create of an existing
 *       file is {@link java.nio.file.FileAlreadyExistsException}; both name the location.
 *   <li>Transient failures (throttling, 5xx, timeouts) are retried inside the provider with bounded
 *       backoff; what escapes is final and names the location.
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface StateFileSystem extends Closeable {

  /** A file to read; no I/O happens until it is used. */
  InputFile newInputFile(Location location);

  /** A file to read whose length is already known (saves a metadata request on blob stores). */
  default InputFile newInputFile(Location location, long length) {
    return newInputFile(location);
  }

  /** A file to write. */
  OutputFile newOutputFile(Location location);

  /**
   * Every file below {@code directory}, recursively, in no particular order. An absent directory has
   * no files.
   */
  List<FileEntry> list(Location directory) throws IOException;

  /** Whether the file exists. */
  default boolean exists(Location location) throws IOException {
    return newInputFile(location).exists();
  }

  /** Deletes a file; deleting a missing file is not an error. */
  void delete(Location location) throws IOException;

  /** Deletes several files, in batches where the store supports it; missing ones are skipped. */
  default void deleteFiles(Collection<Location> locations) throws IOException {
    for (Location location : locations) {
      delete(location);
    }
  }

  /** Deletes every file below {@code directory}; an absent directory is not an error. */
  void deleteRecursively(Location directory) throws IOException;

  /**
   * Requests this file system has sent to its store so far, by operation (for S3: {@code GetObject},
   * {@code PutObject}, ...), in a map the caller may keep. Every attempt counts, retries included, as
   * the store bills them. Empty when the provider does not count.
   */
  default java.util.Map<String, Long> requestCounts() {
    return java.util.Map.of();
  }

  /**
   * Whether {@link #copy} is a fast copy inside the store (a server-side copy or a hard link) rather
   * than a download and upload.
   */
  default boolean supportsFastCopy() {
    return false;
  }

  /**
   * Copies a file to {@code target}, replacing it if present. Fast where {@link #supportsFastCopy()};
   * otherwise streams the bytes through this process.
   */
  default void copy(Location source, Location target) throws IOException {
    copy(this, source, this, target);
  }

  /**
   * Copies a file from one file system to another (or within one) by streaming its bytes through this
   * process: the fallback when no fast copy applies.
   */
  static void copy(StateFileSystem from, Location source, StateFileSystem to, Location target)
      throws IOException {
    InputFile in = from.newInputFile(source);
    long length = in.length();
    byte[] buffer = new byte[(int) Math.min(Math.max(length, 1), 1 << 20)];
    try (FileInput input = in.newInput()) {
      FileOutput out = to.newOutputFile(target).create();
      try {
        for (long pos = 0; pos < length; ) {
          int n = (int) Math.min(buffer.length, length - pos);
          input.readFully(pos, buffer, 0, n);
          out.write(buffer, 0, n);
          pos += n;
        }
      } catch (IOException | RuntimeException e) {
        out.abort();
        throw e;
      }
      out.close();
    }
  }

  /** Releases clients and connections. */
  /**
   * When the file at {@code location} was last written, as the store records it (S3's and Azure's
   * Last-Modified, GCS's {@code updated}, HDFS's and local disks' modification time); empty when the
   * store keeps no such time. Operators' tools use it to tell files a failed write left behind long ago
   * from files a running job is writing now.
   *
   * @throws java.nio.file.NoSuchFileException if there is no file at {@code location}
   */
  default java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
    return java.util.Optional.empty();
  }

  @Override
  default void close() throws IOException {}
}
