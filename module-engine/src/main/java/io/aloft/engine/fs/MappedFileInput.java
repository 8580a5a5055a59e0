package io.aloft.engine.fs;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
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
 * {@link IOException}, as a closed channel's would. How the mapping is made and released depends on the
 * JDK: on Java 22 and later it lives in a shared {@code java.lang.foreign.Arena}, which closing unmaps
 * (looked up at run time: the code is compiled for Java 17); before that, it is a plain
 * {@link MappedByteBuffer}, unmapped with {@code sun.misc.Unsafe.invokeCleaner} (module
 * {@code jdk.unsupported}, deprecated from Java 23 on, hence the arena there); where neither is
 * available the garbage collector unmaps it once the input is unreachable.
 */
final class MappedFileInput implements FileInput {

  /** Files longer than this are read with positional reads: one buffer maps at most 2 GiB. */
  static final long MAX_MAPPED_BYTES = Integer.MAX_VALUE;

  private static final VarHandle READERS;
  private static final VarHandle RELEASED;
  private static final ArenaMapping ARENAS = ArenaMapping.lookUp();
  private static final MethodHandle INVOKE_CLEANER = ARENAS != null ? null : invokeCleaner();

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
  // Absolute gets only, so its position is never shared state. Without an arena, the very buffer
  // FileChannel.map returned (invokeCleaner refuses views).
  private final ByteBuffer map;
  private final AutoCloseable arena; // null: not mapped in an arena
  private final int length;

  @SuppressWarnings("unused") // through READERS: reads inside the mapping right now
  private volatile int readers;
  private volatile boolean closed;
  @SuppressWarnings("unused") // through RELEASED
  private volatile boolean released;

  private MappedFileInput(Location location, ByteBuffer map, AutoCloseable arena) {
    this.location = location;
    this.map = map;
    this.arena = arena;
    this.length = map.capacity();
  }

  /**
   * Maps the first {@code size} bytes (at most {@link #MAX_MAPPED_BYTES}) of the file open in
   * {@code channel}, which the caller may close afterwards: the mapping does not need it.
   *
   * @throws IOException if the operating system refuses the mapping (out of mappings or address space)
   */
  static MappedFileInput map(Location location, FileChannel channel, long size) throws IOException {
    if (ARENAS == null) {
      return new MappedFileInput(location, channel.map(MapMode.READ_ONLY, 0, size), null);
    }
    AutoCloseable arena = ARENAS.newArena();
    try {
      return new MappedFileInput(location, ARENAS.map(channel, size, arena), arena);
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(arena);
      throw e;
    }
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    LocalFileSystem.checkReadPosition(location, position);
    if (position > this.length - length) {
      throw LocalFileSystem.pastTheEnd(location, position, length, this.length);
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
    if (!RELEASED.compareAndSet(this, false, true)) {
      return;
    }
    if (arena != null) {
      closeQuietly(arena);
    } else if (INVOKE_CLEANER != null) {
      try {
        INVOKE_CLEANER.invokeExact(map);
      } catch (Throwable e) {
        // Left to the garbage collector, which unmaps the buffer once it is unreachable.
      }
    }
  }

  private static void closeQuietly(AutoCloseable arena) {
    try {
      arena.close();
    } catch (Exception e) {
      // A shared arena's close fails only while a thread accesses its memory, which the reader count
      // rules out; the garbage collector would unmap it then.
    }
  }

  /** Java 22's {@code Arena.ofShared()} and {@code FileChannel.map(..., Arena)}, looked up at run time. */
  private record ArenaMapping(MethodHandle ofShared, MethodHandle map, MethodHandle asByteBuffer) {

    static ArenaMapping lookUp() {
      if (Runtime.version().feature() < 22) {
        return null; // java.lang.foreign is a preview API before 22
      }
      try {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
        Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
        return new ArenaMapping(
            lookup.findStatic(arenaClass, "ofShared", MethodType.methodType(arenaClass))
                .asType(MethodType.methodType(AutoCloseable.class)),
            lookup.findVirtual(
                    FileChannel.class, "map",
                    MethodType.methodType(segmentClass, MapMode.class, long.class, long.class, arenaClass))
                .asType(MethodType.methodType(
                    Object.class, FileChannel.class, MapMode.class, long.class, long.class, AutoCloseable.class)),
            lookup.findVirtual(segmentClass, "asByteBuffer", MethodType.methodType(ByteBuffer.class))
                .asType(MethodType.methodType(ByteBuffer.class, Object.class)));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }

    AutoCloseable newArena() {
      try {
        return (AutoCloseable) ofShared.invokeExact();
      } catch (Throwable e) {
        throw new IllegalStateException("Arena.ofShared failed", e);
      }
    }

    ByteBuffer map(FileChannel channel, long size, AutoCloseable arena) throws IOException {
      try {
        Object segment = map.invokeExact(channel, MapMode.READ_ONLY, 0L, size, arena);
        return (ByteBuffer) asByteBuffer.invokeExact(segment);
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("FileChannel.map into an arena failed", e);
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
