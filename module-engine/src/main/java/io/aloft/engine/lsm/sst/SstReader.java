package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.SstCorruptionException;

import io.aloft.engine.lsm.key.InternalKey;

import io.aloft.engine.lsm.block.Block;
import io.aloft.engine.lsm.block.BlockCodec;
import io.aloft.engine.lsm.block.BlockCursor;
import io.aloft.engine.lsm.block.BlockHandle;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.RangeTombstone;

import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.InputFile;
import io.aloft.spi.fs.Location;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads one SST file. {@link #open} fetches the tail (index, filter, range tombstones, properties) and
 * the footer with one read of the file's last {@value #TAIL_READ_BYTES} bytes (one more ranged read only
 * when the tail is larger) and keeps them decoded in memory; from then on a get reads at most one data
 * block, through the {@link BlockCache}, and none when the Bloom filter rules the key out.
 *
 * <p>Thread-safe: the decoded tail is immutable, and gets and iterators may run in parallel on any
 * number of threads. Damage is reported as {@link SstCorruptionException}, never returned as data.
 */
public final class SstReader implements Closeable {

  /** How many bytes {@link #open} reads from the end of the file at first. */
  public static final int TAIL_READ_BYTES = 64 * 1024;

  private final Location location;
  private final FileInput input;
  private final long fileId;
  private final BlockCache cache;
  private final SstProperties properties;
  private final List<RangeTombstone> rangeTombstones;
  private final BloomFilter filter; // null: the file has none
  private final BlockIndex index;
  private final Footer footer;
  private final LongAdder readRequests = new LongAdder();
  private volatile boolean closed;

  private SstReader(
      Location location, FileInput input, long fileId, BlockCache cache, Tail tail, long tailReads) {
    this.location = location;
    this.input = input;
    this.fileId = fileId;
    this.cache = cache;
    this.properties = tail.properties;
    this.rangeTombstones = tail.rangeTombstones;
    this.filter = tail.filter;
    this.index = tail.index;
    this.footer = tail.footer;
    this.readRequests.add(tailReads);
  }

  /**
   * Opens {@code file}, whose blocks {@code cache} knows under {@code fileId}.
   *
   * @throws java.nio.file.NoSuchFileException if the file does not exist (from the storage)
   * @throws SstCorruptionException if the footer or a tail block is damaged, or the file is truncated
   */
  public static SstReader open(InputFile file, long fileId, BlockCache cache) throws IOException {
    return open(file, fileId, cache, null);
  }

  /**
   * Opens {@code file} like {@link #open(InputFile, long, BlockCache)}, taking its tail from
   * {@code tailHint} (such as {@link SstWriter#tail()}) instead of reading it, when the hint holds the
   * whole tail and footer. The hint must be the last bytes of this very file: its checksums protect
   * against damage, not against the tail of another file. A null or short hint is ignored.
   */
  public static SstReader open(InputFile file, long fileId, BlockCache cache, byte[] tailHint)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(cache, "cache");
    FileInput input = file.newInput();
    try {
      TailLoader loader = new TailLoader(file, input);
      Tail tail = tailHint == null ? null : loader.fromHint(tailHint);
      if (tail == null) {
        tail = loader.read();
      }
      return new SstReader(file.location(), input, fileId, cache, tail, loader.reads);
    } catch (IOException | RuntimeException | Error e) {
      try {
        input.close();
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The file's properties. Its arrays are shared: do not modify them. */
  public SstProperties properties() {
    return properties;
  }

  /** The file's footer, as decoded and checked at open (for inspection tools). */
  public Footer footer() {
    return footer;
  }

  /** The file's decoded index block (for inspection tools). */
  public BlockIndex index() {
    return index;
  }

  /** The file's Bloom filter, if it has one (for inspection tools). */
  public java.util.Optional<BloomFilter> filter() {
    return java.util.Optional.ofNullable(filter);
  }

  /**
   * The file's range tombstones, sorted by start ascending, then seq descending. An immutable list;
   * its arrays are shared: do not modify them.
   */
  public List<RangeTombstone> rangeTombstones() {
    return rangeTombstones;
  }

  /**
   * False if the file certainly holds no entry of {@code userKey} (its Bloom filter rules it out, or
   * it holds no entries at all); true otherwise, including when the file has no filter. Does no I/O.
   */
  public boolean mayContain(byte[] userKey) {
    return index.count() > 0 && (filter == null || filter.mayContain(userKey));
  }

  /**
   * The newest entry of exactly {@code userKey} in this file (a put or a delete), or null. Range
   * tombstones are not applied. Reads at most one data block, none when {@link #mayContain} is false or
   * the block is cached.
   */
  public Entry get(byte[] userKey) throws IOException {
    int block = blockFor(userKey);
    return block < 0 ? null : find(dataBlock(block), userKey);
  }

  /**
   * The data block that may hold {@code userKey}: its number, or -1 when the file certainly has no
   * entry of it (its Bloom filter rules the key out, or the key is above every key of the file). Does
   * no I/O. With {@link #dataBlock} and {@link #find}, a multi-get reads each block its keys need once.
   */
  public int blockFor(byte[] userKey) {
    ensureOpen();
    if (!mayContain(userKey)) {
      return -1;
    }
    int block = index.find(userKey);
    return block == index.count() ? -1 : block;
  }

  /** Data block {@code block} if the block cache holds it, else null (no I/O). */
  public Block cachedDataBlock(int block) {
    ensureOpen();
    return cache.getIfLoaded(fileId, index.offset(block));
  }

  /** Data block {@code block}, through the block cache. */
  public Block dataBlock(int block) throws IOException {
    ensureOpen();
    return cache.get(fileId, index.offset(block), () -> readDataBlock(block));
  }

  /**
   * The newest entry of exactly {@code userKey} in {@code block} (one of this file's), or null; the
   * entry's key is {@code userKey} itself.
   */
  public static Entry find(Block block, byte[] userKey) throws SstCorruptionException {
    BlockCursor cursor = new BlockCursor(InternalKey.TRAILER_BYTES).reset(block);
    cursor.seek(userKey);
    if (!cursor.valid() || cursor.compareUserKey(userKey) != 0) {
      return null;
    }
    long trailer = cursor.trailer();
    // The key found equals userKey: the entry shares the caller's array instead of a copy.
    return new Entry(userKey, trailer >>> 8, EntryKind.ofCode((int) (trailer & 0xFF)), cursor.valueCopy());
  }

  /**
   * Up to {@code max} user keys spread evenly over the file by data volume (separators of its index,
   * no I/O), ascending: where to cut the file's key range into pieces of about equal size.
   */
  public List<byte[]> sampleKeys(int max) {
    ensureOpen();
    int blocks = index.count();
    List<byte[]> keys = new ArrayList<>();
    int n = Math.min(max, blocks);
    for (int i = 1; i <= n; i++) {
      keys.add(index.separator((int) ((long) i * blocks / (n + 1))));
    }
    return keys;
  }

  /** A new iterator over the file's entries; it does no I/O until positioned. */
  public SstIterator iterator() {
    ensureOpen();
    return new FileIterator(0);
  }

  /**
   * A new iterator for reading the file front to back once, as compaction does: it fetches runs of
   * whole data blocks of up to {@code readaheadBytes} with one ranged read each, and neither consults
   * nor fills the block cache. On remote storage this turns a compaction's thousands of block-sized
   * requests into a few large ones (RocksDB's {@code compaction_readahead_size}), and keeps a
   * compaction from evicting the blocks that gets are using.
   */
  public SstIterator sequentialIterator(int readaheadBytes) {
    if (readaheadBytes <= 0) {
      throw new IllegalArgumentException("readaheadBytes must be positive: " + readaheadBytes);
    }
    ensureOpen();
    return new FileIterator(readaheadBytes);
  }

  /** Reads this reader issued to the storage: the tail read(s) and data blocks the cache lacked. */
  public long readRequests() {
    return readRequests.sum();
  }

  /** The file read. */
  public Location location() {
    return location;
  }

  /** Closes the file; gets and iterators must have finished. Cached blocks stay cached. */
  @Override
  public void close() throws IOException {
    closed = true;
    input.close();
  }

  @Override
  public String toString() {
    return "SstReader[" + location + ", id " + fileId + "]";
  }

  private Block readDataBlock(int block) throws IOException {
    long offset = index.offset(block);
    int size = index.size(block);
    int stored = size + BlockCodec.BLOCK_TRAILER;
    byte[] buf = READ_SCRATCH.get();
    if (buf.length < stored) {
      buf = new byte[Integer.highestOneBit(stored - 1) << 1]; // a power of two: blocks vary a little
      if (buf.length <= MAX_SCRATCH) {
        READ_SCRATCH.set(buf);
      }
    }
    readRequests.increment();
    try {
      input.readFully(offset, buf, 0, stored);
    } catch (EOFException e) {
      throw new SstCorruptionException(location, offset, "the file ends inside a data block", e);
    }
    BlockCodec.Content content = BlockCodec.decode(buf, 0, size, location, offset, "data block");
    byte[] bytes = content.bytes() == buf ? Arrays.copyOf(buf, content.length()) : content.bytes();
    return Block.parse(bytes, content.length(), Block.Type.DATA, location, offset);
  }

  // A compressed block is read into this thread's buffer and decompressed out of it, so a miss allocates
  // only the decoded block (an uncompressed one is copied out: the cache keeps it). Allocating and
  // zeroing a fresh 4 KiB array for every read cost about a tenth of a get through a cache an eighth
  // of the data (#19). A virtual thread per read allocates one buffer per read, as before.
  private static final int MAX_SCRATCH = 256 * 1024;
  private static final ThreadLocal<byte[]> READ_SCRATCH = ThreadLocal.withInitial(() -> new byte[0]);

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  /** What {@link #open} decodes from the tail. */
  private record Tail(
      SstProperties properties,
      List<RangeTombstone> rangeTombstones,
      BloomFilter filter,
      BlockIndex index,
      Footer footer) {}

  /** Fetches and decodes the tail; used by the opening thread only. */
  private static final class TailLoader {
    private final InputFile file;
    private final FileInput input;
    private final Location location;
    private long reads;

    TailLoader(InputFile file, FileInput input) {
      this.file = file;
      this.input = input;
      this.location = file.location();
    }

    /** The tail from a hint, or null when the hint does not hold all of it. */
    Tail fromHint(byte[] hint) throws IOException {
      if (hint.length < Footer.SIZE) {
        return null;
      }
      Footer footer = footer(hint, hint.length, false);
      long tailLength = footer.tailLength();
      if (tailLength + Footer.SIZE > hint.length) {
        return null;
      }
      return decode(footer, hint, (int) (hint.length - Footer.SIZE - tailLength));
    }

    Tail read() throws IOException {
      byte[] buf = new byte[TAIL_READ_BYTES];
      reads++;
      int n = input.readTail(buf, 0, buf.length);
      boolean wholeFile = n < buf.length;
      if (n < Footer.SIZE) {
        throw new SstCorruptionException(
            location, 0, "the file has " + n + " bytes, fewer than the " + Footer.SIZE + "-byte footer");
      }
      Footer footer = footer(buf, n, wholeFile);
      int tailLength = (int) footer.tailLength();
      if (tailLength + Footer.SIZE <= n) {
        return decode(footer, buf, n - Footer.SIZE - tailLength);
      }
      // The tail is larger than the first read: fetch the part of it that read missed.
      byte[] tail = new byte[tailLength];
      int have = n - Footer.SIZE;
      int missing = tailLength - have;
      reads++;
      try {
        input.readFully(footer.tailOffset(), tail, 0, missing);
      } catch (EOFException e) {
        throw new SstCorruptionException(
            location, footer.tailOffset(), "the file ends before the tail its footer describes", e);
      }
      System.arraycopy(buf, 0, tail, missing, have);
      return decode(footer, tail, 0);
    }

    /**
     * The footer in the last bytes of {@code buf[0..n)}, which are the last bytes of the file, and all
     * of the file if {@code wholeFile}.
     */
    private Footer footer(byte[] buf, int n, boolean wholeFile) throws IOException {
      Footer footer;
      try {
        footer = Footer.decode(buf, n - Footer.SIZE, location, SstCorruptionException.UNKNOWN_OFFSET);
      } catch (SstCorruptionException e) {
        throw e.withOffset(footerOffset(n, wholeFile, e));
      }
      if (wholeFile ? footer.fileSize() != n : footer.fileSize() < n) {
        SstCorruptionException e =
            new SstCorruptionException(
                location, SstCorruptionException.UNKNOWN_OFFSET,
                "footer: describes a file of " + footer.fileSize() + " bytes, but the file has "
                    + (wholeFile ? "" : "at least ") + n + " (truncated or appended to)");
        throw e.withOffset(footerOffset(n, wholeFile, e));
      }
      return footer;
    }

    /**
     * The offset of the footer for the report {@code failure}. Only a failure needs it when the first
     * read did not return the whole file, so only then does this ask the storage for the length.
     */
    private long footerOffset(int n, boolean wholeFile, SstCorruptionException failure) {
      if (wholeFile) {
        return n - Footer.SIZE;
      }
      try {
        return file.length() - Footer.SIZE;
      } catch (IOException | RuntimeException lengthFailure) {
        failure.addSuppressed(lengthFailure);
        return SstCorruptionException.UNKNOWN_OFFSET;
      }
    }

    /** Decodes the tail blocks; {@code tail[tailStart]} is the byte at the file's tail offset. */
    private Tail decode(Footer footer, byte[] tail, int tailStart) throws SstCorruptionException {
      BlockHandle indexHandle = footer.index();
      Block indexBlock = metaBlock(footer, tail, tailStart, indexHandle, "index block");
      BlockIndex index = BlockIndex.decode(indexBlock, footer.tailOffset(), location, indexHandle.offset());

      BloomFilter filter = null;
      if (footer.filter().isPresent()) {
        BlockHandle h = footer.filter();
        filter =
            BloomFilter.decode(
                content(footer, tail, tailStart, h, "filter block"), footer.version(), location, h.offset());
      }

      List<RangeTombstone> tombstones = List.of();
      if (footer.rangeTombstones().isPresent()) {
        BlockHandle h = footer.rangeTombstones();
        tombstones =
            RangeTombstoneBlock.decode(
                metaBlock(footer, tail, tailStart, h, "range-tombstone block"), location, h.offset());
      }

      BlockHandle h = footer.properties();
      SstProperties properties =
          PropertiesBlock.decode(metaBlock(footer, tail, tailStart, h, "properties block"), location, h.offset())
              .withFileFacts(footer.version(), footer.fileSize());
      if (properties.dataBlockCount() != index.count()
          || properties.rangeTombstoneCount() != tombstones.size()
          || (properties.entryCount() == 0) != (index.count() == 0)) {
        throw new SstCorruptionException(
            location, h.offset(),
            "properties block: " + properties.dataBlockCount() + " data blocks, "
                + properties.entryCount() + " entries and " + properties.rangeTombstoneCount()
                + " range tombstones, but the index has " + index.count() + " blocks and the"
                + " tombstone block " + tombstones.size() + " tombstones");
      }
      return new Tail(properties, tombstones, filter, index, footer);
    }

    private Block metaBlock(Footer footer, byte[] tail, int tailStart, BlockHandle h, String what)
        throws SstCorruptionException {
      BlockCodec.Content content = content(footer, tail, tailStart, h, what);
      return Block.parse(content.bytes(), content.length(), Block.Type.META, location, h.offset());
    }

    private BlockCodec.Content content(
        Footer footer, byte[] tail, int tailStart, BlockHandle h, String what)
        throws SstCorruptionException {
      // Footer.decode checked that every handle lies within the tail.
      int pos = tailStart + (int) (h.offset() - footer.tailOffset());
      return BlockCodec.decode(tail, pos, h.size(), location, h.offset(), what);
    }
  }

  /**
   * Iterates over the data blocks in order: through the cache, or with read-ahead past it. Owned by
   * one thread.
   */
  private final class FileIterator implements SstIterator {
    private final BlockCursor cursor = new BlockCursor(InternalKey.TRAILER_BYTES);
    private final int readahead; // 0: blocks come through the block cache
    private byte[] run; // read-ahead: the stored bytes of blocks [runFirst, runEnd)
    private int runFirst;
    private int runEnd;
    private int blockIndex = -1;
    private boolean valid;
    private boolean iteratorClosed;

    FileIterator(int readahead) {
      this.readahead = readahead;
    }

    @Override
    public void seekToFirst() throws IOException {
      position(0);
      if (valid) {
        cursor.seekToFirst();
        settle();
      }
    }

    @Override
    public void seek(byte[] userKey) throws IOException {
      position(index.find(userKey));
      if (valid) {
        cursor.seek(userKey);
        settle();
      }
    }

    @Override
    public boolean valid() {
      return valid;
    }

    @Override
    public Entry entry() {
      checkValid();
      return cursor.entry();
    }

    // In-place reads of the current entry (EntryView): the cursor's buffers, no copies.
    @Override
    public byte[] keyArray() {
      return cursor.keyBuffer();
    }

    @Override
    public int userKeyLength() {
      return cursor.keyLength() - InternalKey.TRAILER_BYTES;
    }

    @Override
    public long seq() {
      return cursor.trailer() >>> 8;
    }

    @Override
    public EntryKind kind() {
      return EntryKind.ofCode((int) (cursor.trailer() & 0xFF));
    }

    @Override
    public byte[] valueArray() {
      return cursor.data();
    }

    @Override
    public int valueOffset() {
      return cursor.valueOffset();
    }

    @Override
    public int valueLength() {
      return cursor.valueLength();
    }

    @Override
    public void next() throws IOException {
      checkValid();
      cursor.next();
      settle();
    }

    @Override
    public void close() {
      iteratorClosed = true;
      valid = false;
      blockIndex = -1;
      run = null;
    }

    /** Loads block {@code block} into the cursor, or becomes invalid past the last block. */
    private void position(int block) throws IOException {
      if (iteratorClosed) {
        throw new IllegalStateException("iterator of " + SstReader.this + " is closed");
      }
      ensureOpen();
      valid = false;
      if (block >= index.count()) {
        return;
      }
      if (block != blockIndex) {
        blockIndex = -1; // stays unset if the load fails
        cursor.reset(readahead == 0 ? dataBlock(block) : readAhead(block));
        blockIndex = block;
      }
      valid = true;
    }

    /**
     * Block {@code block} from the current run, first reading the next run when it lies outside: the
     * block and as many following blocks as fit in the read-ahead size (at least the one block).
     * Data blocks are contiguous, so a run is one ranged read.
     */
    private Block readAhead(int block) throws IOException {
      if (run == null || block < runFirst || block >= runEnd) {
        long start = index.offset(block);
        int end = block + 1;
        while (end < index.count()
            && index.offset(end) + index.size(end) + BlockCodec.BLOCK_TRAILER - start <= readahead) {
          end++;
        }
        long length = index.offset(end - 1) + index.size(end - 1) + BlockCodec.BLOCK_TRAILER - start;
        run = null; // a failed read leaves no stale run behind
        byte[] bytes = new byte[Math.toIntExact(length)];
        readRequests.increment();
        try {
          input.readFully(start, bytes, 0, bytes.length);
        } catch (EOFException e) {
          throw new SstCorruptionException(location, start, "the file ends inside a data block", e);
        }
        run = bytes;
        runFirst = block;
        runEnd = end;
      }
      long offset = index.offset(block);
      int at = (int) (offset - index.offset(runFirst));
      BlockCodec.Content content =
          BlockCodec.decode(run, at, index.size(block), location, offset, "data block");
      return Block.parse(content.bytes(), content.length(), Block.Type.DATA, location, offset);
    }

    /** Moves past the end of exhausted blocks; data blocks are never empty. */
    private void settle() throws IOException {
      while (!cursor.valid()) {
        position(blockIndex + 1);
        if (!valid) {
          return;
        }
        cursor.seekToFirst();
      }
      valid = true;
    }

    private void checkValid() {
      if (!valid) {
        throw new IllegalStateException("the iterator of " + SstReader.this + " is not at an entry");
      }
    }
  }
}
