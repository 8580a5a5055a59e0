package io.aloft.flink.testkit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.fs.BlockLocation;
import org.apache.flink.core.fs.ByteBufferReadable;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.local.LocalFileSystem;

/**
 * Flink's side of the {@code remote:///abs/path} test store (Aloft's side is the engine test kit's
 * {@code RemoteSchemeFileSystemProvider}): a local directory that Flink, and Flink's ForSt backend
 * through Flink's {@link FileSystem}, see as a distributed file system whose every read request first
 * waits {@code testkit.remote.read-latency}. A read request is a positioned read, or the first read of
 * a stream after it was opened or moved; reads that continue a stream are free, as the rest of one
 * ranged GET would be. Writes, listings and metadata cost nothing extra.
 */
public final class RemoteShapedFlinkFileSystem extends FileSystem {

  public static final String SCHEME = "remote";

  private static final AtomicLong READ_REQUESTS = new AtomicLong();

  private final LocalFileSystem local = LocalFileSystem.getSharedInstance();
  private final long latencyNanos;

  RemoteShapedFlinkFileSystem(Duration readLatency) {
    this.latencyNanos = readLatency.toNanos();
  }

  /** Read requests that reached every {@code remote://} Flink file system of this JVM. */
  public static long readRequests() {
    return READ_REQUESTS.get();
  }

  private static Path toLocal(Path path) {
    URI uri = path.toUri();
    if (uri.getScheme() != null && !uri.getScheme().equals(SCHEME)) {
      throw new IllegalArgumentException("not a remote:/// path: " + path);
    }
    return new Path("file", null, uri.getPath());
  }

  private static Path toRemote(Path path) {
    return new Path(SCHEME, null, path.toUri().getPath());
  }

  private void request() throws IOException {
    READ_REQUESTS.incrementAndGet();
    if (latencyNanos > 0) {
      try {
        Thread.sleep(latencyNanos / 1_000_000, (int) (latencyNanos % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted during simulated remote latency");
      }
    }
  }

  @Override
  public Path getWorkingDirectory() {
    return toRemote(local.getWorkingDirectory());
  }

  @Override
  public Path getHomeDirectory() {
    return toRemote(local.getHomeDirectory());
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    return new RemoteStatus(local.getFileStatus(toLocal(f)));
  }

  @Override
  public BlockLocation[] getFileBlockLocations(FileStatus file, long start, long len) {
    return new BlockLocation[0];
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    return open(f);
  }

  @Override
  public FSDataInputStream open(Path f) throws IOException {
    try {
      return new RemoteInput(FileChannel.open(java.nio.file.Path.of(toLocal(f).toUri().getPath()), StandardOpenOption.READ));
    } catch (java.nio.file.NoSuchFileException e) {
      // As Flink's own file systems say it: ForSt maps a FileNotFoundException to "not found".
      throw new java.io.FileNotFoundException(f + " does not exist");
    }
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    FileStatus[] found = local.listStatus(toLocal(f));
    if (found == null) {
      return null;
    }
    FileStatus[] remote = new FileStatus[found.length];
    for (int i = 0; i < found.length; i++) {
      remote[i] = new RemoteStatus(found[i]);
    }
    return remote;
  }

  @Override
  public boolean delete(Path f, boolean recursive) throws IOException {
    return local.delete(toLocal(f), recursive);
  }

  @Override
  public boolean mkdirs(Path f) throws IOException {
    return local.mkdirs(toLocal(f));
  }

  @Override
  public FSDataOutputStream create(Path f, WriteMode overwriteMode) throws IOException {
    return local.create(toLocal(f), overwriteMode);
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    return local.rename(toLocal(src), toLocal(dst));
  }

  @Override
  public boolean isDistributedFS() {
    return true;
  }

  /** A local file's status under its {@code remote://} path. */
  private record RemoteStatus(FileStatus local) implements FileStatus {
    @Override
    public long getLen() {
      return local.getLen();
    }

    @Override
    public long getBlockSize() {
      return local.getBlockSize();
    }

    @Override
    public short getReplication() {
      return local.getReplication();
    }

    @Override
    public long getModificationTime() {
      return local.getModificationTime();
    }

    @Override
    public long getAccessTime() {
      return local.getAccessTime();
    }

    @Override
    public boolean isDir() {
      return local.isDir();
    }

    @Override
    public Path getPath() {
      return toRemote(local.getPath());
    }
  }

  /** A file channel whose reads cost a request each, except reads that continue the last one. */
  private final class RemoteInput extends FSDataInputStream implements ByteBufferReadable {
    private final FileChannel channel;
    private long position;
    private boolean streaming; // the last read left the "GET" open at position

    RemoteInput(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public void seek(long desired) {
      if (desired != position) {
        streaming = false;
        position = desired;
      }
    }

    @Override
    public long getPos() {
      return position;
    }

    private void sequentialRequest() throws IOException {
      if (!streaming) {
        request();
        streaming = true;
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public int read(ByteBuffer buffer) throws IOException {
      if (!buffer.hasRemaining()) {
        return 0;
      }
      sequentialRequest();
      int n = channel.read(buffer, position);
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    public int read(long at, ByteBuffer buffer) throws IOException {
      request();
      int total = 0;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, at + total);
        if (n < 0) {
          return total == 0 ? -1 : total;
        }
        total += n;
      }
      return total;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(Integer.MAX_VALUE, Math.max(0, channel.size() - position));
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = Math.max(0, Math.min(n, channel.size() - position));
      seek(position + skipped);
      return skipped;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
