package io.aloft.engine.fs;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.aloft.spi.fs.FileEntry;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.OutputFile;
import io.aloft.spi.fs.StateFileSystem;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The {@code file://} {@link StateFileSystem} on {@code java.nio}; see {@link LocalFileSystemProvider}
 * for what it guarantees. Immutable, hence thread-safe.
 */
final class LocalFileSystem implements StateFileSystem {

  /** {@code .<name>.<16 hex digits>.tmp}: the in-progress form of a file, hidden from listings. */
  private static final Pattern TEMP_NAME = Pattern.compile("\\..*\\.[0-9a-f]{16}\\.tmp");

  // Keeps temp names under the usual 255-byte name limit even for long, multi-byte target names.
  private static final int TEMP_NAME_MAX_CHARS_OF_TARGET = 48;

  private static final int WRITE_BUFFER_BYTES = 64 * 1024;

  // On POSIX systems only: a rename is durable once its directory is forced (Windows cannot open a
  // directory as a channel and persists the rename with the file), and files are read through a memory
  // mapping (MappedFileInput; Windows cannot delete a file while a mapping of it exists, and a
  // compaction deletes files gets may still read).
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final boolean mapForReads;

  LocalFileSystem() {
    this(true);
  }

  /** With {@code mapForReads} false every input uses positional reads, as on Windows. */
  LocalFileSystem(boolean mapForReads) {
    this.mapForReads = mapForReads && POSIX;
  }

  @Override
  public InputFile newInputFile(Location location) {
    return new LocalInputFile(location, toPath(location), mapForReads);
  }

  @Override
  public OutputFile newOutputFile(Location location) {
    if (location.path().equals("/")) {
      throw new IllegalArgumentException(location + " is the root directory, not a file");
    }
    return new LocalOutputFile(location, toPath(location));
  }

  @Override
  public List<FileEntry> list(Location directory) throws IOException {
    Path start = realDirectory(toPath(directory));
    if (start == null) {
      return List.of();
    }
    List<FileEntry> entries = new ArrayList<>();
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && !isTemp(file)) {
              entries.add(new FileEntry(locationOf(directory, start, file), attrs.size()));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            return skipIfDeletedMeanwhile(e);
          }
        });
    return entries;
  }

  @Override
  public void delete(Location location) throws IOException {
    Files.deleteIfExists(toPath(location));
  }

  @Override
  public void deleteRecursively(Location directory) throws IOException {
    Path given = toPath(directory);
    Path start = realDirectory(given);
    if (start == null) {
      return;
    }
    // A configured directory that is a symbolic link keeps existing; its contents go.
    boolean keepStart = Files.isSymbolicLink(given);
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            return skipIfDeletedMeanwhile(e);
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              skipIfDeletedMeanwhile(e);
            }
            if (!(keepStart && dir.equals(start))) {
              Files.deleteIfExists(dir);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  @Override
  public boolean supportsFastCopy() {
    return true;
  }

  @Override
  public void copy(Location source, Location target) throws IOException {
    Path from = toPath(source);
    Path to = toPath(target);
    regularFileAttributes(source, from);
    createParents(target, to);
    Path temp = tempFor(to);
    try {
      try {
        Files.createLink(temp, from);
      } catch (NoSuchFileException e) {
        throw Files.exists(from) ? e : missing(source, e);
      } catch (UnsupportedOperationException | FileSystemException e) {
        // Another file system (EXDEV) or one without hard links: copy the bytes instead.
        Files.copy(from, temp);
        try (FileChannel channel = FileChannel.open(temp, WRITE)) {
          channel.force(true);
        }
      }
      moveReplacing(temp, to);
    } catch (IOException | RuntimeException e) {
      deleteAfterFailure(temp, e);
      throw e;
    }
    // rename(2) of a link onto another link of the same file succeeds and leaves both names, which
    // happens when the target already was a copy of the source.
    Files.deleteIfExists(temp);
  }

  @Override
  public java.util.Optional<java.time.Instant> lastModified(Location location) throws IOException {
    return java.util.Optional.of(regularFileAttributes(location, toPath(location)).lastModifiedTime().toInstant());
  }

  @Override
  public String toString() {
    return "LocalFileSystem";
  }

  // --- paths and names ----------------------------------------------------------------------------

  private static Path toPath(Location location) {
    if (!location.scheme().equals(LocalFileSystemProvider.SCHEME) || !location.authority().isEmpty()) {
      throw new IllegalArgumentException(
          location + " is not a local location: expected file:///path or an absolute path");
    }
    return Path.of(location.path());
  }

  private static Location locationOf(Location directory, Path start, Path file) {
    StringJoiner relative = new StringJoiner("/");
    for (Path name : start.relativize(file)) {
      relative.add(name.toString());
    }
    return directory.resolve(relative.toString());
  }

  private static boolean isTemp(Path file) {
    return TEMP_NAME.matcher(file.getFileName().toString()).matches();
  }

  /** A fresh temp name beside {@code target}, so that publishing is a rename within one directory. */
  private static Path tempFor(Path target) {
    String name = target.getFileName().toString();
    if (name.length() > TEMP_NAME_MAX_CHARS_OF_TARGET) {
      int end = TEMP_NAME_MAX_CHARS_OF_TARGET;
      end -= Character.isHighSurrogate(name.charAt(end - 1)) ? 1 : 0;
      name = name.substring(0, end);
    }
    long random = ThreadLocalRandom.current().nextLong();
    return target.resolveSibling("." + name + "." + String.format("%016x", random) + ".tmp");
  }

  /**
   * The real path of {@code dir} when it is a directory, else null. Walking the real path lists the
   * contents of a directory that is a symbolic link instead of the link itself.
   */
  private static Path realDirectory(Path dir) throws IOException {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    }
    return Files.isDirectory(real) ? real : null;
  }

  // A concurrent delete may remove what the walk is about to visit; the walk's result stays correct.
  private static FileVisitResult skipIfDeletedMeanwhile(IOException e) throws IOException {
    if (e instanceof NoSuchFileException) {
      return FileVisitResult.CONTINUE;
    }
    throw e;
  }

  // --- publishing ---------------------------------------------------------------------------------

  /** Moves a finished temp file to {@code target} in one step, replacing what was there. */
  private static void moveReplacing(Path temp, Path target) throws IOException {
    Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING);
    syncDirectory(target.getParent());
  }

  /**
   * Publishes a finished temp file at {@code target} only if nothing is there. link(2) fails when the
   * name is taken, which makes it an atomic create-if-absent of a complete file.
   */
  private static void linkExclusive(Path temp, Path target, Location location) throws IOException {
    try {
      Files.createLink(target, temp);
    } catch (FileAlreadyExistsException e) {
      throw alreadyExists(location, "written by another writer while this one was open", e);
    } catch (NoSuchFileException | AccessDeniedException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // EPERM: FAT, some FUSE and network mounts have no hard links.
      reserveThenMove(temp, target, location, e);
      return;
    }
    Files.delete(temp);
    syncDirectory(target.getParent());
  }

  /**
   * Exclusive publishing without hard links: O_EXCL creation reserves the name atomically, then the
   * finished file is renamed over the empty placeholder. Readers may see the empty placeholder for
   * the instant between the two calls — the price of exclusivity where links are missing.
   */
  private static void reserveThenMove(Path temp, Path target, Location location, Exception linkFailure)
      throws IOException {
    try {
      Files.createFile(target);
    } catch (FileAlreadyExistsException e) {
      e.addSuppressed(linkFailure);
      throw alreadyExists(location, "written by another writer while this one was open", e);
    }
    try {
      moveReplacing(temp, target);
    } catch (IOException | RuntimeException e) {
      e.addSuppressed(linkFailure);
      deleteAfterFailure(target, e);
      throw e;
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    if (POSIX) {
      try (FileChannel channel = FileChannel.open(dir, READ)) {
        channel.force(true);
      }
    }
  }

  private static void createParents(Location location, Path target) throws IOException {
    Path parent = target.getParent();
    try {
      Files.createDirectories(parent);
    } catch (FileAlreadyExistsException e) {
      // Not the exclusive-create failure a caller may be catching: a parent is a file.
      FileSystemException notDirectory =
          new FileSystemException(
              location.toString(), null, "cannot create parent directory " + parent + ": a file is in the way");
      notDirectory.initCause(e);
      throw notDirectory;
    }
  }

  private static void deleteAfterFailure(Path path, Throwable failure) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  // --- errors -------------------------------------------------------------------------------------

  private static NoSuchFileException missing(Location location, Exception cause) {
    NoSuchFileException e = new NoSuchFileException(location.toString());
    e.initCause(cause);
    return e;
  }

  private static FileAlreadyExistsException alreadyExists(
      Location location, String reason, Exception cause) {
    FileAlreadyExistsException e = new FileAlreadyExistsException(location.toString(), null, reason);
    e.initCause(cause);
    return e;
  }

  /** The attributes of a regular file; a missing file or a directory is {@link NoSuchFileException}. */
  private static BasicFileAttributes regularFileAttributes(Location location, Path path)
      throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw missing(location, e);
    }
    if (!attrs.isRegularFile()) {
      throw new NoSuchFileException(location.toString(), null, "not a regular file");
    }
    return attrs;
  }

  // What a positional read of either input (channel or mapping) refuses, in one wording.
  static void checkReadPosition(Location location, long position) {
    if (position < 0) {
      throw new IllegalArgumentException(location + ": negative read position " + position);
    }
  }

  static EOFException pastTheEnd(Location location, long position, int length, long fileLength) {
    return new EOFException(
        location + ": cannot read " + length + " bytes at position " + position + ", the file has "
            + fileLength + " bytes");
  }

  private static FileChannel openForRead(Location location, Path path) throws IOException {
    try {
      return FileChannel.open(path, READ);
    } catch (NoSuchFileException e) {
      throw missing(location, e);
    }
  }

  // --- files --------------------------------------------------------------------------------------

  private record LocalInputFile(Location location, Path path, boolean mapForReads) implements InputFile {

    @Override
    public long length() throws IOException {
      return regularFileAttributes(location, path).size();
    }

    @Override
    public FileInput newInput() throws IOException {
      BasicFileAttributes attrs = regularFileAttributes(location, path);
      FileChannel channel = openForRead(location, path);
      if (mapForReads) {
        long size = channel.size();
        if (size > 0 && size <= MappedFileInput.MAX_MAPPED_BYTES) {
          try {
            MappedFileInput mapped = MappedFileInput.map(location, channel, size);
            channel.close(); // the mapping outlives the channel
            return mapped;
          } catch (IOException e) {
            // Out of mappings or address space ("Map failed"): positional reads work all the same.
          }
        }
      }
      return new LocalFileInput(location, path, channel, attrs);
    }

    @Override
    public boolean exists() throws IOException {
      try {
        return Files.readAttributes(path, BasicFileAttributes.class).isRegularFile();
      } catch (NoSuchFileException e) {
        return false;
      }
    }
  }

  private record LocalOutputFile(Location location, Path path) implements OutputFile {

    @Override
    public FileOutput create() throws IOException {
      return open(temp -> moveReplacing(temp, path));
    }

    @Override
    public FileOutput createExclusive() throws IOException {
      // Checked now so a doomed writer learns before writing; the link at close is what decides.
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        throw alreadyExists(location, "it exists", null);
      }
      return open(temp -> linkExclusive(temp, path, location));
    }

    private FileOutput open(Publisher publisher) throws IOException {
      createParents(location, path);
      Path temp = tempFor(path);
      return new LocalFileOutput(location, temp, FileChannel.open(temp, CREATE_NEW, WRITE), publisher);
    }
  }

  @FunctionalInterface
  private interface Publisher {
    void publish(Path temp) throws IOException;
  }

  /** Writes to a temp file; {@link #close()} forces it to disk and hands it to the publisher. */
  private static final class LocalFileOutput extends FileOutput {
    private final Location location;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream out;
    private final Publisher publisher;

    // Owned by the writing thread, like every OutputStream.
    private boolean open = true;

    LocalFileOutput(Location location, Path temp, FileChannel channel, Publisher publisher) {
      this.location = location;
      this.temp = temp;
      this.channel = channel;
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), WRITE_BUFFER_BYTES);
      this.publisher = publisher;
    }

    @Override
    public void write(int b) throws IOException {
      ensureOpen();
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ensureOpen();
      out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      // Wrapping streams flush again after closing us; nothing can be pending then.
      if (open) {
        out.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (!open) {
        return;
      }
      open = false;
      try {
        out.flush();
        channel.force(true);
        channel.close();
        publisher.publish(temp);
      } catch (IOException | RuntimeException e) {
        IOException cleanup = closeAndDeleteTemp();
        if (cleanup != null) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
    }

    @Override
    public void abort() throws IOException {
      if (!open) {
        return;
      }
      open = false;
      IOException failure = closeAndDeleteTemp();
      if (failure != null) {
        throw failure;
      }
    }

    /** The first failure, later ones suppressed in it, or null. */
    private IOException closeAndDeleteTemp() {
      IOException failure = null;
      try {
        channel.close();
      } catch (IOException e) {
        failure = e;
      }
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
      return failure;
    }

    private void ensureOpen() throws IOException {
      if (!open) {
        throw new IOException(location + ": the stream is already closed");
      }
    }
  }

  /**
   * Positional reads ({@code pread}) on one channel shared by all reading threads.
   *
   * <p>An interrupt during a channel read closes the channel for every thread (a {@code java.nio}
   * rule). Readers that were not interrupted reopen it and carry on, since an engine may interrupt one
   * I/O thread while others share a cached SST reader.
   */
  private static final class LocalFileInput implements FileInput {
    private final Location location;
    private final Path path;
    private final long length;
    private final Object fileKey;

    // Read by any thread; replaced under the monitor when an interrupt closed it.
    private volatile FileChannel channel;
    // Set under the monitor by close().
    private volatile boolean closed;

    LocalFileInput(Location location, Path path, FileChannel channel, BasicFileAttributes attrs) {
      this.location = location;
      this.path = path;
      this.channel = channel;
      this.length = attrs.size();
      this.fileKey = attrs.fileKey();
    }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, buffer.length);
      checkReadPosition(location, position);
      ByteBuffer target = ByteBuffer.wrap(buffer, offset, length);
      while (target.hasRemaining()) {
        if (read(target, position + target.position() - offset) < 0) {
          throw pastTheEnd(location, position, length, this.length);
        }
      }
    }

    @Override
    public int readTail(byte[] buffer, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, buffer.length);
      int n = (int) Math.min(length, this.length);
      readFully(this.length - n, buffer, offset, n);
      return n;
    }

    private int read(ByteBuffer target, long position) throws IOException {
      FileChannel current = channel;
      try {
        return current.read(target, position);
      } catch (ClosedByInterruptException e) {
        InterruptedIOException interrupted =
            new InterruptedIOException(location + ": interrupted while reading at position " + position);
        interrupted.initCause(e);
        throw interrupted;
      } catch (ClosedChannelException e) {
        return reopen(current, e).read(target, position);
      }
    }

    private synchronized FileChannel reopen(FileChannel stale, ClosedChannelException cause)
        throws IOException {
      if (closed) {
        throw new IOException(location + ": read after the input was closed", cause);
      }
      if (channel != stale) {
        return channel;
      }
      FileChannel fresh = openForRead(location, path);
      Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      if (fileKey != null && !fileKey.equals(key)) {
        fresh.close();
        throw new IOException(location + ": replaced by another file while being read", cause);
      }
      channel = fresh;
      return fresh;
    }

    @Override
    public synchronized void close() throws IOException {
      closed = true;
      channel.close();
    }
  }
}
