package io.aloft.engine.fs;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.util.Objects;

/**
 * Positional reads of a local file mapped into memory whole: a read is a copy out of the page cache,
 * without the system call a {@code pread} costs. On this project's benchmark VM that call took about
 * 1.6 µs for one 4 KiB block — as long as decompressing it — and gets through a block cache smaller
 * than the data pay it on most gets (RocksDB's {@code allow_mmap_reads}, Lucene's
 * {@code MMapDirectory}). The files the engine reads this way are immutable once published, which is
 * what makes sharing one mapping among threads safe.
 *
 * <p>The mapping is released (unmapped) as soon as the input is closed and no read is inside it: every
 * read counts itself in and out, so closing while another thread reads waits for nothing and never
 * pulls the memory from under that read; a read that starts after the close fails with an
 * {@link IOException}, as a closed channel's would. Unmapping uses the JDK's
 * {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}); where that is missing the
 * garbage collector releases the mapping once the input is unreachable.
 */
final class MappedFileInput implements FileInput {

  /** Files longer than this are read with positional reads: one buffer maps at most 2 GiB. */
  static final long MAX_MAPPED_BYTES = Integer.MAX_VALUE;

  private static final VarHandle READERS;
  private static final VarHandle RELEASED;
  private static final MethodHandle INVOKE_CLEANER = invokeCleaner();

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      READERS = lookup.findVarHandle(MappedFileInput.class, "readers", int.class);
      RELEASED = lookup.findVarHandle(MappedFileInput.class, "released", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Location location;
  // The buffer FileChannel.map returned (not a view: only that one can be unmapped). Absolute gets only,
  // so its position is never shared state.
  private final MappedByteBuffer map;
  private final int length;

  @SuppressWarnings("unused") // through READERS: reads inside the mapping right now
  private volatile int readers;
  private volatile boolean closed;
  @SuppressWarnings("unused") // through RELEASED
  private volatile boolean released;

  MappedFileInput(Location location, MappedByteBuffer map) {
    this.location = location;
    this.map = map;
    this.length = map.capacity();
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (position < 0) {
      throw new IllegalArgumentException(location + ": negative read position " + position);
    }
    if (position > this.length - length) {
      throw new EOFException(
          location + ": cannot read " + length + " bytes at position " + position
              + ", the file has " + this.length + " bytes");
    }
    enter(position);
    try {
      map.get((int) position, buffer, offset, length);
    } finally {
      exit();
    }
  }

  @Override
  public int readTail(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    int n = Math.min(length, this.length);
    readFully(this.length - n, buffer, offset, n);
    return n;
  }

  @Override
  public void close() {
    closed = true;
    if ((int) READERS.getVolatile(this) == 0) {
      release();
    }
  }

  // Counting in before reading `closed`, and close() setting `closed` before reading the count, means
  // that of a read and a close racing at least one sees the other: either the read fails here, or the
  // close leaves the release to the read's exit.
  private void enter(long position) throws IOException {
    READERS.getAndAdd(this, 1);
    if (closed) {
      exit();
      throw new IOException(location + ": read at position " + position + " after the input was closed");
    }
  }

  private void exit() {
    if ((int) READERS.getAndAdd(this, -1) == 1 && closed) {
      release();
    }
  }

  private void release() {
    if (INVOKE_CLEANER != null && RELEASED.compareAndSet(this, false, true)) {
      try {
        INVOKE_CLEANER.invokeExact((ByteBuffer) map);
      } catch (Throwable e) {
        // Left to the garbage collector, which unmaps the buffer once it is unreachable.
      }
    }
  }

  private static MethodHandle invokeCleaner() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      return MethodHandles.lookup()
          .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(field.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
