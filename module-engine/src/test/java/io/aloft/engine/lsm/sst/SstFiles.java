package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.RangeTombstone;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** Writes SST files on a local directory and generates entries for the tests. */
public final class SstFiles {

  static final StateFileSystem LOCAL = new LocalFileSystemProvider().create("file", Config.empty());

  private final Path dir;
  private int files;

  SstFiles(Path dir) {
    this.dir = dir;
  }

  /** A fresh location in the directory. */
  Location newLocation() {
    return Location.of(dir.toAbsolutePath().resolve("sst-" + files++ + ".sst").toString());
  }

  /** A written file and what its writer returned. */
  record Written(Location location, SstProperties properties, byte[] tail) {}

  Written write(SstOptions options, List<Entry> entries) throws IOException {
    return write(options, entries, List.of());
  }

  Written write(SstOptions options, List<Entry> entries, List<RangeTombstone> tombstones)
      throws IOException {
    Location location = newLocation();
    try (SstWriter writer = new SstWriter(LOCAL.newOutputFile(location).create(), location, options)) {
      for (RangeTombstone t : tombstones) {
        writer.addRangeTombstone(t);
      }
      for (Entry e : entries) {
        writer.add(e);
      }
      SstProperties properties = writer.finish();
      return new Written(location, properties, writer.tail());
    }
  }

  static SstReader open(Location location, BlockCache cache) throws IOException {
    return SstReader.open(LOCAL.newInputFile(location), 1, cache);
  }

  static CountingInputFile counting(Location location) {
    return new CountingInputFile(LOCAL.newInputFile(location));
  }

  public static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /**
   * Sorted random entries: keys with a key-group prefix, many sharing long prefixes, 1 to 3 versions a
   * key (sometimes deletes), values from empty to larger than {@code largeValue} bytes.
   */
  static List<Entry> randomEntries(Random random, int keys, int largeValue) {
    List<byte[]> userKeys = new ArrayList<>();
    byte[] longPrefix = new byte[40];
    random.nextBytes(longPrefix);
    for (int i = 0; i < keys; i++) {
      byte[] key;
      switch (random.nextInt(5)) {
        case 0 -> { // shares a long prefix with others
          key = Arrays.copyOf(longPrefix, longPrefix.length + 1 + random.nextInt(4));
          fill(random, key, longPrefix.length);
        }
        case 1 -> { // another key with bytes appended: one key a prefix of another
          byte[] base = userKeys.isEmpty() ? new byte[2] : userKeys.get(random.nextInt(userKeys.size()));
          key = Arrays.copyOf(base, base.length + 1 + random.nextInt(2));
          if (random.nextBoolean()) {
            fill(random, key, base.length);
          }
          userKeys.add(key);
          continue;
        }
        case 2 -> key = fill(random, new byte[2 + random.nextInt(3)], 0);
        default -> key = fill(random, new byte[2 + random.nextInt(24)], 0);
      }
      key[0] = (byte) random.nextInt(4); // a handful of key groups
      userKeys.add(key);
    }
    userKeys.sort(Arrays::compareUnsigned);
    List<Entry> entries = new ArrayList<>();
    byte[] previous = null;
    for (byte[] key : userKeys) {
      if (previous != null && Arrays.equals(previous, key)) {
        continue;
      }
      previous = key;
      int versions = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
      long seq = 1_000_000 + random.nextInt(1_000_000);
      for (int v = 0; v < versions; v++) {
        seq -= 1 + random.nextInt(1000);
        if (random.nextInt(8) == 0) {
          entries.add(Entry.delete(key, seq));
        } else {
          entries.add(Entry.put(key, seq, randomValue(random, largeValue)));
        }
      }
    }
    return entries;
  }

  private static byte[] fill(Random random, byte[] key, int from) {
    for (int j = from; j < key.length; j++) {
      key[j] = (byte) random.nextInt(256);
    }
    return key;
  }

  static byte[] randomValue(Random random, int largeValue) {
    int r = random.nextInt(20);
    int length = r == 0 ? 0 : r == 1 ? largeValue + random.nextInt(largeValue + 1) : random.nextInt(40);
    byte[] value = new byte[length];
    // Half compressible, half random.
    if (random.nextBoolean()) {
      random.nextBytes(value);
    } else {
      Arrays.fill(value, (byte) ('a' + random.nextInt(26)));
    }
    return value;
  }

  /** The newest entry of each user key in {@code sorted}. */
  static List<Entry> newestPerKey(List<Entry> sorted) {
    List<Entry> newest = new ArrayList<>();
    for (Entry e : sorted) {
      if (newest.isEmpty() || !Arrays.equals(newest.get(newest.size() - 1).userKey(), e.userKey())) {
        newest.add(e);
      }
    }
    return newest;
  }

  /** Every entry of a reader, in order. */
  static List<Entry> readAll(SstReader reader) throws IOException {
    List<Entry> all = new ArrayList<>();
    try (SstIterator it = reader.iterator()) {
      for (it.seekToFirst(); it.valid(); it.next()) {
        all.add(it.entry());
      }
    }
    return all;
  }

  /** A file held in memory, for reading many damaged variants of one file quickly. */
  record MemoryInputFile(Location location, byte[] content) implements InputFile {

    @Override
    public long length() {
      return content.length;
    }

    @Override
    public boolean exists() {
      return true;
    }

    @Override
    public FileInput newInput() {
      return new FileInput() {
        @Override
        public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
          if (position < 0 || position + length > content.length) {
            throw new java.io.EOFException(location + ": " + length + " bytes at " + position);
          }
          System.arraycopy(content, (int) position, buffer, offset, length);
        }

        @Override
        public int readTail(byte[] buffer, int offset, int length) {
          int n = Math.min(length, content.length);
          System.arraycopy(content, content.length - n, buffer, offset, n);
          return n;
        }

        @Override
        public void close() {}
      };
    }
  }

  /** An {@link InputFile} that counts the reads of its inputs. */
  static final class CountingInputFile implements InputFile {
    private final InputFile delegate;
    final AtomicInteger tailReads = new AtomicInteger();
    final AtomicInteger rangedReads = new AtomicInteger();

    CountingInputFile(InputFile delegate) {
      this.delegate = delegate;
    }

    int reads() {
      return tailReads.get() + rangedReads.get();
    }

    @Override
    public Location location() {
      return delegate.location();
    }

    @Override
    public long length() throws IOException {
      return delegate.length();
    }

    @Override
    public boolean exists() throws IOException {
      return delegate.exists();
    }

    @Override
    public FileInput newInput() throws IOException {
      FileInput input = delegate.newInput();
      return new FileInput() {
        @Override
        public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
          rangedReads.incrementAndGet();
          input.readFully(position, buffer, offset, length);
        }

        @Override
        public int readTail(byte[] buffer, int offset, int length) throws IOException {
          tailReads.incrementAndGet();
          return input.readTail(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
          input.close();
        }
      };
    }
  }
}
