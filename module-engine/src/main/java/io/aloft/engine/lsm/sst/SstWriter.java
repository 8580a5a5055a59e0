package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.key.InternalKey;

import io.aloft.engine.lsm.block.BlockBuilder;
import io.aloft.engine.lsm.block.BlockCodec;
import io.aloft.engine.lsm.block.BlockHandle;
import io.aloft.engine.lsm.block.ByteSink;
import io.aloft.engine.lsm.block.Coding;
import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryView;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.RangeTombstone;

import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.Location;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Writes one SST file (format version 1, see {@code docs/format.md}):
 * entries in internal order, range tombstones in any order, then {@link #finish()} writes the tail and
 * the footer and publishes the file. Data blocks go to the output as they fill, so memory stays at one
 * block plus the index, the filter's key hashes and the range tombstones.
 *
 * <p>Not thread-safe: one thread writes a file. After a failure, the writer only accepts
 * {@link #close()}, which discards the output.
 */
public final class SstWriter implements Closeable {

  private enum State { OPEN, FINISHED, FAILED, CLOSED }

  private final FileOutput out;
  private final Location location;
  private final SstOptions options;
  private final BlockBuilder dataBlock;
  private final BlockBuilder indexBlock = new BlockBuilder(SstFormat.META_RESTART_INTERVAL, 4096);
  private final BloomFilter.Builder filter;
  private final List<RangeTombstone> rangeTombstones = new ArrayList<>();
  private final ByteSink compressed = new ByteSink(4096);
  private final ByteSink handleValue = new ByteSink(16);
  private final byte[] trailer = new byte[BlockCodec.BLOCK_TRAILER];

  // All state below is owned by the writing thread.
  private State state = State.OPEN;
  private long offset;
  private byte[] internalKey = new byte[64];
  private byte[] firstUserKey;
  private byte[] lastUserKey = new byte[64];
  private int lastUserKeyLength;
  private long lastSeq;
  /** The last data block written, whose index entry waits for the next block's first key. */
  private BlockHandle pendingIndexHandle;
  private ByteSink tail;
  private byte[] tailBytes;

  private long entryCount;
  private long tombstoneCount;
  private long minSeq = Long.MAX_VALUE;
  private long maxSeq = Long.MIN_VALUE;
  private long dataBlockCount;
  private long rawKeyBytes;
  private long rawValueBytes;

  /**
   * A writer of the file that {@code out} creates at {@code location} (named in errors).
   *
   * @param out the output, published by {@link #finish()} and aborted by {@link #close()} without it
   */
  public SstWriter(FileOutput out, Location location, SstOptions options) {
    this.out = Objects.requireNonNull(out, "out");
    this.location = Objects.requireNonNull(location, "location");
    this.options = Objects.requireNonNull(options, "options");
    this.dataBlock = new BlockBuilder(options.restartInterval(), options.blockSize());
    this.filter = options.bloomBitsPerKey() > 0 ? new BloomFilter.Builder(options.bloomBitsPerKey()) : null;
  }

  /**
   * Adds the next entry.
   *
   * @throws IllegalArgumentException naming both keys if {@code entry} does not follow the previous
   *     entry in internal order (user key ascending, then seq descending; one key and seq only once),
   *     if its seq is outside {@code [0, 2^56)}, or if a delete has a value; the writer stays usable
   * @throws IllegalStateException after {@link #finish()}, {@link #close()} or a failure
   */
  public void add(Entry entry) throws IOException {
    add(entry.userKey(), entry.userKey().length, entry.seq(), entry.kind(), entry.value(), 0, entry.value().length);
  }

  /**
   * Adds the current entry of {@code view} (an iterator's, read in place), as {@link #add(Entry)}; the
   * writer keeps no reference to its arrays.
   */
  public void add(EntryView view) throws IOException {
    add(view.keyArray(), view.userKeyLength(), view.seq(), view.kind(), view.valueArray(), view.valueOffset(), view.valueLength());
  }

  private void add(byte[] key, int keyLen, long seq, EntryKind kind, byte[] value, int valueOffset, int valueLength)
      throws IOException {
    ensureOpen();
    if (!validSeq(seq)) {
      throw seqOutOfRange(InternalKey.describe(Arrays.copyOf(key, keyLen)) + "@" + seq, seq);
    }
    if (kind == EntryKind.DELETE && valueLength != 0) {
      throw new IllegalArgumentException(InternalKey.describe(Arrays.copyOf(key, keyLen)) + "@" + seq + " is a delete with a value");
    }
    if (keyLen > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("a " + keyLen + "-byte key is too long");
    }
    int order = entryCount == 0 ? -1 : Arrays.compareUnsigned(lastUserKey, 0, lastUserKeyLength, key, 0, keyLen);
    if (order > 0 || (order == 0 && seq >= lastSeq)) {
      throw new IllegalArgumentException(
          "SST entries must be added in increasing internal order (user key ascending, then seq"
              + " descending): " + InternalKey.describe(Arrays.copyOf(key, keyLen)) + "@" + seq + " after "
              + InternalKey.describe(Arrays.copyOf(lastUserKey, lastUserKeyLength)) + "@" + lastSeq
              + " in " + location);
    }
    int keyLength = keyLen + InternalKey.TRAILER_BYTES;
    try {
      if (!dataBlock.isEmpty() && dataBlock.sizeWith(keyLength, valueLength) > options.blockSize()) {
        flushDataBlock();
      }
      if (pendingIndexHandle != null) {
        addIndexEntry(BlockIndex.separator(lastUserKey, lastUserKeyLength, key, keyLen), pendingIndexHandle);
        pendingIndexHandle = null;
      }
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
    if (internalKey.length < keyLength) {
      internalKey = Arrays.copyOf(internalKey, Math.max(keyLength, 2 * internalKey.length));
    }
    System.arraycopy(key, 0, internalKey, 0, keyLen);
    Coding.writeLong(internalKey, keyLen, seq << 8 | kind.code());
    dataBlock.add(internalKey, keyLength, value, valueOffset, valueLength);

    if (order != 0) {
      if (filter != null) {
        filter.add(key, keyLen);
      }
      if (lastUserKey.length < keyLen) {
        lastUserKey = new byte[Math.max(keyLen, 2 * lastUserKey.length)];
      }
      System.arraycopy(key, 0, lastUserKey, 0, keyLen);
      lastUserKeyLength = keyLen;
    }
    if (entryCount == 0) {
      firstUserKey = Arrays.copyOf(key, keyLen);
    }
    lastSeq = seq;
    entryCount++;
    tombstoneCount += kind == EntryKind.DELETE ? 1 : 0;
    minSeq = Math.min(minSeq, seq);
    maxSeq = Math.max(maxSeq, seq);
    rawKeyBytes += keyLen;
    rawValueBytes += valueLength;
  }

  /**
   * Adds a range tombstone; tombstones may come in any order, before, between or after entries.
   *
   * @throws IllegalArgumentException if {@code start >= end} or the seq is outside {@code [0, 2^56)}
   * @throws IllegalStateException after {@link #finish()}, {@link #close()} or a failure
   */
  public void addRangeTombstone(RangeTombstone t) {
    ensureOpen();
    checkSeq(t.seq(), t);
    if (Arrays.compareUnsigned(t.start(), t.end()) >= 0) {
      throw new IllegalArgumentException(t + " is empty: its start must be below its end");
    }
    rangeTombstones.add(new RangeTombstone(t.start().clone(), t.end().clone(), t.seq()));
  }

  /**
   * Writes the last data block, the tail (index, filter, range tombstones, properties) and the footer,
   * and publishes the file by closing the output.
   *
   * @return the file's properties, equal to what {@link SstReader#properties()} returns for it
   * @throws IllegalStateException if neither an entry nor a range tombstone was added (the output is
   *     then discarded), or after {@link #finish()}, {@link #close()} or a failure
   */
  public SstProperties finish() throws IOException {
    ensureOpen();
    if (entryCount == 0 && rangeTombstones.isEmpty()) {
      close();
      throw new IllegalStateException(
          "An SST file needs at least one entry or range tombstone; " + location + " was discarded");
    }
    try {
      if (!dataBlock.isEmpty()) {
        flushDataBlock();
      }
      if (pendingIndexHandle != null) {
        addIndexEntry(Arrays.copyOf(lastUserKey, lastUserKeyLength), pendingIndexHandle);
        pendingIndexHandle = null;
      }
      rangeTombstones.sort(RangeTombstone::compareStored);
      SstProperties properties = properties();

      long tailOffset = offset;
      tail = new ByteSink(8192);
      BlockHandle index = writeBlock(indexBlock.finish(), options.compression());
      BlockHandle filterHandle =
          filter != null && filter.count() > 0 ? writeBlock(filter.build(), Compression.NONE) : BlockHandle.ABSENT;
      BlockHandle tombstones = BlockHandle.ABSENT;
      BlockBuilder meta = new BlockBuilder(SstFormat.META_RESTART_INTERVAL, 256);
      if (!rangeTombstones.isEmpty()) {
        RangeTombstoneBlock.encode(rangeTombstones, meta);
        tombstones = writeBlock(meta.finish(), options.compression());
        meta.reset();
      }
      PropertiesBlock.encode(properties, meta);
      BlockHandle propertiesHandle = writeBlock(meta.finish(), options.compression());
      long tailLength = offset - tailOffset;
      if (tailLength > Integer.MAX_VALUE - Footer.SIZE) {
        throw new IllegalStateException(location + ": the tail of " + tailLength + " bytes is too large");
      }
      byte[] footer =
          new Footer(SstFormat.FORMAT_VERSION, tailOffset, tailLength, index, filterHandle, tombstones, propertiesHandle).encode();
      write(footer, footer.length);
      out.close();
      state = State.FINISHED;
      tailBytes = tail.toByteArray();
      tail = null;
      return properties.withFileFacts(SstFormat.FORMAT_VERSION, offset);
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /**
   * The bytes written so far plus the current data block, for deciding when to start the next file.
   */
  public long estimatedSize() {
    return offset + (dataBlock.isEmpty() ? 0 : dataBlock.currentSize());
  }

  /**
   * The file's tail and footer, its last bytes, after {@link #finish()}: handing them to
   * {@link SstReader#open(io.aloft.spi.fs.InputFile, long, BlockCache, byte[])} opens the file just
   * written without reading it back.
   *
   * @throws IllegalStateException before {@link #finish()} succeeded
   */
  public byte[] tail() {
    if (state != State.FINISHED) {
      throw new IllegalStateException(location + " is not finished");
    }
    return tailBytes.clone();
  }

  /** Discards the output unless {@link #finish()} published it. Idempotent. */
  @Override
  public void close() throws IOException {
    if (state == State.FINISHED || state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    out.abort();
  }

  private void flushDataBlock() throws IOException {
    pendingIndexHandle = writeBlock(dataBlock.finish(), options.compression());
    dataBlock.reset();
    dataBlockCount++;
  }

  private void addIndexEntry(byte[] separator, BlockHandle handle) {
    BlockIndex.encodeHandle(handle, handleValue);
    indexBlock.add(separator, separator.length, handleValue.toByteArray());
  }

  private BlockHandle writeBlock(ByteSink content, Compression compression) throws IOException {
    BlockHandle handle = writeBlock(content.array(), content.size(), compression);
    content.reset();
    return handle;
  }

  private BlockHandle writeBlock(byte[] content, Compression compression) throws IOException {
    return writeBlock(content, content.length, compression);
  }

  private BlockHandle writeBlock(byte[] content, int length, Compression requested) throws IOException {
    Compression used = BlockCodec.compress(requested, content, length, compressed);
    byte[] stored = used == Compression.NONE ? content : compressed.array();
    int size = used == Compression.NONE ? length : compressed.size();
    BlockHandle handle = new BlockHandle(offset, size);
    trailer[0] = used.code();
    Coding.writeInt(trailer, 1, BlockCodec.checksum(stored, 0, size, used.code()));
    write(stored, size);
    write(trailer, trailer.length);
    return handle;
  }

  private void write(byte[] bytes, int length) throws IOException {
    out.write(bytes, 0, length);
    offset += length;
    if (tail != null) {
      tail.write(bytes, 0, length);
    }
  }

  private SstProperties properties() {
    byte[] smallest = firstUserKey;
    byte[] largest = entryCount == 0 ? null : Arrays.copyOf(lastUserKey, lastUserKeyLength);
    int maxKeyGroup = largest == null ? 0 : Coding.keyGroup(largest);
    long minSeqAll = minSeq;
    long maxSeqAll = maxSeq;
    for (RangeTombstone t : rangeTombstones) {
      if (smallest == null || Arrays.compareUnsigned(t.start(), smallest) < 0) {
        smallest = t.start();
      }
      if (largest == null || Arrays.compareUnsigned(t.end(), largest) > 0) {
        largest = t.end();
      }
      maxKeyGroup = Math.max(maxKeyGroup, Coding.keyGroupBefore(t.end()));
      minSeqAll = Math.min(minSeqAll, t.seq());
      maxSeqAll = Math.max(maxSeqAll, t.seq());
    }
    return new SstProperties(
        SstFormat.FORMAT_VERSION, 0, smallest, largest, entryCount, tombstoneCount,
        rangeTombstones.size(), Coding.keyGroup(smallest), maxKeyGroup, minSeqAll, maxSeqAll,
        dataBlockCount, rawKeyBytes, rawValueBytes);
  }

  private void checkSeq(long seq, Object what) {
    if (!validSeq(seq)) {
      throw seqOutOfRange(what, seq);
    }
  }

  private static IllegalArgumentException seqOutOfRange(Object what, long seq) {
    return new IllegalArgumentException(what + ": seq " + seq + " is outside [0, 2^56)");
  }

  private static boolean validSeq(long seq) {
    return seq >= 0 && seq < InternalKey.SEQ_LIMIT;
  }

  private void ensureOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException(
          "The SST writer of " + location + " is " + state.name().toLowerCase(java.util.Locale.ROOT));
    }
  }
}
