package io.aloft.engine.lsm.block;

import java.util.Arrays;

/** A growable byte buffer without locking, for building blocks. Owned by one writer thread. */
public final class ByteSink {
  private byte[] buf;
  private int size;

  public ByteSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  public int size() {
    return size;
  }

  /** The backing array; bytes {@code [0, size())} are the content. */
  public byte[] array() {
    return buf;
  }

  public void reset() {
    size = 0;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  public void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  public void write(byte[] b) {
    write(b, 0, b.length);
  }

  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  public void writeInt(int v) {
    ensure(4);
    Coding.writeInt(buf, size, v);
    size += 4;
  }

  public void writeLong(long v) {
    ensure(8);
    Coding.writeLong(buf, size, v);
    size += 8;
  }

  /** Appends {@code value}, taken as unsigned, as a varint. */
  public void writeVarint(long value) {
    ensure(Coding.MAX_VARINT64_BYTES);
    while ((value & ~0x7FL) != 0) {
      buf[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[size++] = (byte) value;
  }

  /** Appends a varint length and then {@code b}. */
  public void writeLengthPrefixed(byte[] b) {
    writeVarint(b.length);
    write(b);
  }

  /** Makes the backing array hold at least {@code capacity} bytes; {@link #array()} may change. */
  public void ensureCapacity(int capacity) {
    ensure(capacity - size);
  }

  /** Sets the content length after bytes were written into {@link #array()} directly. */
  public void setSize(int newSize) {
    if (newSize < 0 || newSize > buf.length) {
      throw new IndexOutOfBoundsException(newSize);
    }
    size = newSize;
  }

  private void ensure(int more) {
    if (buf.length - size < more) {
      long needed = (long) size + more;
      if (needed > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("block of " + needed + " bytes is too large");
      }
      buf = Arrays.copyOf(buf, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8, 2L * buf.length)));
    }
  }
}
