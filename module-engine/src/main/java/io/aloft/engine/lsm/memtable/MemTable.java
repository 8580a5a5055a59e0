package io.aloft.engine.lsm.memtable;

import io.aloft.engine.lsm.block.UnsignedBytes;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.RangeTombstone;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The newest writes, sorted in memory: entries in internal order (user key ascending, sequence number
 * descending) and the range tombstones written meanwhile. It fills up to the write-buffer size, then
 * becomes immutable and is flushed to one SST file.
 *
 * <p>Layout (RocksDB's {@code InlineSkipList}, in Java arrays): a skip list whose nodes are runs of
 * {@code int}s in large chunks, and whose keys and values are bytes in large chunks. A put copies its key
 * and value once into the byte arena and writes one node; nothing per entry is a Java object, so a full
 * memtable is a few hundred arrays for the garbage collector, not millions of objects. The node also
 * holds the key's first 16 bytes, so that a search step usually decides on the node alone (one cache
 * line) without reading the key's bytes. Node ({@code int}s): byte chunk, byte offset, key length,
 * value length, {@code seq << 8 | kind} as two ints, height, the key's first 16 bytes big-endian (zero
 * padded) as four ints, then {@code height} next-node addresses. An address is {@code chunk << 14 | offset}; 0 is the
 * head node, which also means "none" in a next pointer.
 *
 * <p>Threading: one writer at a time (the tree serialises writes), any number of concurrent readers
 * without locks. The writer fills a node, then links it bottom up, publishing each link with a release
 * store; readers follow links with acquire loads, so a node they reach is complete. Chunk tables grow by
 * copy and are published through volatile fields before any node in a new chunk is linked.
 */
public final class MemTable {

  /** Orders entries as the SST format does: user key ascending, then newest first. */
  public static final Comparator<Entry> INTERNAL_ORDER =
      (a, b) -> {
        int c = Arrays.compareUnsigned(a.userKey(), b.userKey());
        return c != 0 ? c : Long.compare(b.seq(), a.seq());
      };

  private static final byte[] EMPTY = new byte[0];

  private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

  private static final int MAX_HEIGHT = 12;
  private static final int NODE_FIELDS = 11; // before the next pointers
  private static final int F_BYTE_CHUNK = 0;
  private static final int F_BYTE_OFFSET = 1;
  private static final int F_KEY_LENGTH = 2;
  private static final int F_VALUE_LENGTH = 3;
  private static final int F_TRAILER_HIGH = 4;
  private static final int F_TRAILER_LOW = 5;
  private static final int F_HEIGHT = 6;
  private static final int F_PREFIX = 7; // four ints: key bytes [0, 16)
  private static final int PREFIX_BYTES = 16;

  private static final int INT_CHUNK_BITS = 14;
  private static final int INT_CHUNK = 1 << INT_CHUNK_BITS; // ints per node chunk (64 KiB)
  private static final int INT_CHUNK_MASK = INT_CHUNK - 1;
  private static final int MAX_INT_CHUNKS = Integer.MAX_VALUE >>> INT_CHUNK_BITS;
  private static final int BYTE_CHUNK = 1 << 16; // bytes per key/value chunk; larger entries get their own
  private static final int HEAD = 0;

  private volatile int[][] intChunks = new int[4][];
  private volatile byte[][] byteChunks = new byte[4][];
  private volatile int maxHeight = 1;
  private volatile int entryCount;
  private volatile long approximateBytes;

  // The writer's state.
  private int intChunkCount;
  private int intUsed; // in the last int chunk
  private int byteChunkCount;
  private int byteUsed; // in the current (shared) byte chunk
  private int byteChunkCurrent = -1; // the shared byte chunk being filled
  private long random = 0x9E3779B97F4A7C15L;
  private final int[] splice = new int[MAX_HEIGHT];

  private final List<RangeTombstone> rangeTombstones = new CopyOnWriteArrayList<>();
  private final long id;

  public MemTable(long id) {
    this.id = id;
    int head = allocateNode(MAX_HEIGHT);
    if (head != HEAD) {
      throw new AssertionError("the head node must be at address 0");
    }
    int[] chunk = intChunks[0];
    chunk[F_HEIGHT] = MAX_HEIGHT;
  }

  /** Distinguishes memtables in logs and metrics. */
  public long id() {
    return id;
  }

  /**
   * Adds one version of {@code userKey}; the arrays are copied. One writer at a time.
   *
   * @param value the value (empty or null for a delete)
   */
  public void add(byte[] userKey, long seq, EntryKind kind, byte[] value) {
    if (value == null) {
      value = EMPTY; // a delete's
    }
    int keyLength = userKey.length;
    int valueLength = value.length;
    int height = randomHeight();
    long bytePosition = allocateBytes(keyLength + valueLength);
    int byteChunk = (int) (bytePosition >>> 32);
    int byteOffset = (int) bytePosition;
    byte[] bytes = byteChunks[byteChunk];
    System.arraycopy(userKey, 0, bytes, byteOffset, keyLength);
    System.arraycopy(value, 0, bytes, byteOffset + keyLength, valueLength);

    int node = allocateNode(height);
    int[] n = intChunks[node >>> INT_CHUNK_BITS];
    int at = node & INT_CHUNK_MASK;
    long trailer = seq << 8 | kind.code();
    n[at + F_BYTE_CHUNK] = byteChunk;
    n[at + F_BYTE_OFFSET] = byteOffset;
    n[at + F_KEY_LENGTH] = keyLength;
    n[at + F_VALUE_LENGTH] = valueLength;
    n[at + F_TRAILER_HIGH] = (int) (trailer >>> 32);
    n[at + F_TRAILER_LOW] = (int) trailer;
    n[at + F_HEIGHT] = height;
    long prefix0 = prefix(userKey, 0);
    long prefix1 = prefix(userKey, 8);
    n[at + F_PREFIX] = (int) (prefix0 >>> 32);
    n[at + F_PREFIX + 1] = (int) prefix0;
    n[at + F_PREFIX + 2] = (int) (prefix1 >>> 32);
    n[at + F_PREFIX + 3] = (int) prefix1;

    findGreaterOrEqual(userKey, seq, splice);
    if (height > maxHeight) {
      for (int level = maxHeight; level < height; level++) {
        splice[level] = HEAD;
      }
      maxHeight = height;
    }
    // Bottom up: a reader that sees the node at some level can reach it at every level below.
    for (int level = 0; level < height; level++) {
      int previous = splice[level];
      n[at + NODE_FIELDS + level] = next(previous, level);
      INTS.setRelease(chunkOf(previous), (previous & INT_CHUNK_MASK) + NODE_FIELDS + level, node);
    }
    entryCount = entryCount + 1;
    approximateBytes = approximateBytes + keyLength + valueLength + 4L * (NODE_FIELDS + height);
  }

  public void addRangeTombstone(RangeTombstone tombstone) {
    rangeTombstones.add(tombstone);
    approximateBytes = approximateBytes + tombstone.start().length + tombstone.end().length + 64;
  }

  /** The newest entry of exactly {@code userKey}, or null. */
  public Entry get(byte[] userKey) {
    int node = findGreaterOrEqual(userKey, Long.MAX_VALUE, null);
    return node != HEAD && compareKey(node, userKey) == 0 ? entryAt(node) : null;
  }

  /** Entries from the first one with key {@code >= userKey} (all: null), in internal order. */
  public Iterator<Entry> iterator(byte[] fromUserKey) {
    int first = fromUserKey == null ? next(HEAD, 0) : findGreaterOrEqual(fromUserKey, Long.MAX_VALUE, null);
    return new Iterator<>() {
      private int node = first;

      @Override
      public boolean hasNext() {
        return node != HEAD;
      }

      @Override
      public Entry next() {
        if (node == HEAD) {
          throw new NoSuchElementException();
        }
        Entry e = entryAt(node);
        node = MemTable.this.next(node, 0);
        return e;
      }
    };
  }

  public List<RangeTombstone> rangeTombstones() {
    return rangeTombstones;
  }

  public boolean isEmpty() {
    return entryCount == 0 && rangeTombstones.isEmpty();
  }

  /** Bytes of keys, values and nodes written (what the write-buffer size limits). */
  public long approximateBytes() {
    return approximateBytes;
  }

  public int entryCount() {
    return entryCount;
  }

  // --- the skip list ---

  /**
   * The first node at or after {@code (userKey, seq)} in internal order (HEAD if none); with {@code
   * splice}, also each level's last node before it.
   */
  private int findGreaterOrEqual(byte[] userKey, long seq, int[] splice) {
    long prefix0 = prefix(userKey, 0);
    long prefix1 = prefix(userKey, 8);
    int x = HEAD;
    int level = maxHeight - 1;
    while (true) {
      int next = next(x, level);
      if (next != HEAD && compare(next, userKey, prefix0, prefix1, seq) < 0) {
        x = next;
      } else {
        if (splice != null) {
          splice[level] = x;
        }
        if (level == 0) {
          return next;
        }
        level--;
      }
    }
  }

  /**
   * Node {@code node} against {@code (userKey, seq)} in internal order; {@code prefix0}, {@code prefix1}
   * are the key's first 16 bytes as {@link #prefix} gives them.
   */
  private int compare(int node, byte[] userKey, long prefix0, long prefix1, long seq) {
    int[] n = chunkOf(node);
    int at = node & INT_CHUNK_MASK;
    int c = Long.compareUnsigned(longAt(n, at + F_PREFIX), prefix0);
    if (c == 0) {
      c = Long.compareUnsigned(longAt(n, at + F_PREFIX + 2), prefix1);
    }
    if (c == 0) {
      int keyLength = n[at + F_KEY_LENGTH];
      if (Math.min(keyLength, userKey.length) <= PREFIX_BYTES) {
        // Equal zero-padded prefixes and one key within them: that key is a prefix of the other.
        c = Integer.compare(keyLength, userKey.length);
      } else {
        int offset = n[at + F_BYTE_OFFSET];
        byte[] bytes = byteChunks[n[at + F_BYTE_CHUNK]];
        c = Arrays.compareUnsigned(bytes, offset + PREFIX_BYTES, offset + keyLength, userKey, PREFIX_BYTES, userKey.length);
      }
    }
    return c != 0 ? c : Long.compare(seq, trailer(node) >>> 8); // a newer version comes first
  }

  private int compareKey(int node, byte[] userKey) {
    int[] n = chunkOf(node);
    int at = node & INT_CHUNK_MASK;
    int offset = n[at + F_BYTE_OFFSET];
    byte[] bytes = byteChunks[n[at + F_BYTE_CHUNK]];
    return Arrays.compareUnsigned(bytes, offset, offset + n[at + F_KEY_LENGTH], userKey, 0, userKey.length);
  }

  /** Bytes {@code [from, from + 8)} of {@code key} as a big-endian long, zero past the key's end. */
  private static long prefix(byte[] key, int from) {
    return UnsignedBytes.paddedLong(key, from, key.length - from);
  }

  private static long longAt(int[] n, int at) {
    return (long) n[at] << 32 | (n[at + 1] & 0xFFFF_FFFFL);
  }

  private int next(int node, int level) {
    return (int) INTS.getAcquire(chunkOf(node), (node & INT_CHUNK_MASK) + NODE_FIELDS + level);
  }

  private long trailer(int node) {
    int[] n = chunkOf(node);
    int at = node & INT_CHUNK_MASK;
    return (long) n[at + F_TRAILER_HIGH] << 32 | (n[at + F_TRAILER_LOW] & 0xFFFF_FFFFL);
  }

  private Entry entryAt(int node) {
    int[] n = chunkOf(node);
    int at = node & INT_CHUNK_MASK;
    byte[] bytes = byteChunks[n[at + F_BYTE_CHUNK]];
    int offset = n[at + F_BYTE_OFFSET];
    int keyLength = n[at + F_KEY_LENGTH];
    long trailer = trailer(node);
    return new Entry(
        Arrays.copyOfRange(bytes, offset, offset + keyLength),
        trailer >>> 8,
        EntryKind.ofCode((int) (trailer & 0xFF)),
        Arrays.copyOfRange(bytes, offset + keyLength, offset + keyLength + n[at + F_VALUE_LENGTH]));
  }

  private int[] chunkOf(int node) {
    return intChunks[node >>> INT_CHUNK_BITS];
  }

  /** Heights 1..12, each level a quarter as likely as the one below (RocksDB's branching factor 4). */
  private int randomHeight() {
    random ^= random << 13;
    random ^= random >>> 7;
    random ^= random << 17;
    long bits = random;
    int height = 1;
    while (height < MAX_HEIGHT && (bits & 3) == 0) {
      height++;
      bits >>>= 2;
    }
    return height;
  }

  // --- the arenas (writer only; new chunks are published before any node refers to them) ---

  private int allocateNode(int height) {
    int size = NODE_FIELDS + height;
    if (intChunkCount == 0 || intUsed + size > INT_CHUNK) {
      if (intChunkCount == MAX_INT_CHUNKS) {
        throw new IllegalStateException("memtable " + id + " is full: " + entryCount + " entries");
      }
      int[][] table = intChunks;
      if (intChunkCount == table.length) {
        table = Arrays.copyOf(table, Math.min(MAX_INT_CHUNKS, 2 * table.length));
      }
      table[intChunkCount] = new int[INT_CHUNK];
      intChunks = table; // publishes the new chunk (and table) before the node is linked
      intChunkCount++;
      intUsed = 0;
    }
    int address = (intChunkCount - 1) << INT_CHUNK_BITS | intUsed;
    intUsed += size;
    return address;
  }

  /** Room for {@code length} bytes: {@code chunk << 32 | offset}. */
  private long allocateBytes(int length) {
    if (length > BYTE_CHUNK / 4) {
      return (long) addByteChunk(new byte[length]) << 32; // a large entry: a chunk of its own
    }
    if (byteChunkCurrent < 0 || byteUsed + length > BYTE_CHUNK) {
      byteChunkCurrent = addByteChunk(new byte[BYTE_CHUNK]);
      byteUsed = 0;
    }
    long position = (long) byteChunkCurrent << 32 | byteUsed;
    byteUsed += length;
    return position;
  }

  private int addByteChunk(byte[] chunk) {
    byte[][] table = byteChunks;
    if (byteChunkCount == table.length) {
      table = Arrays.copyOf(table, 2 * table.length);
    }
    table[byteChunkCount] = chunk;
    byteChunks = table;
    return byteChunkCount++;
  }
}
