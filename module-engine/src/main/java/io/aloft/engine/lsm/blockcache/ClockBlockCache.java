package io.aloft.engine.lsm.blockcache;

import io.aloft.engine.lsm.block.Block;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link BlockCache#clock(long)}: blocks in shards, each an open-addressing hash table on (file id,
 * offset) swept by a CLOCK hand, weighed by uncompressed block bytes; the shape of RocksDB's sharded
 * block cache (and of its HyperClockCache's table).
 *
 * <p>Why not a general-purpose cache: when the data is several times the cache, most gets miss, and a
 * miss in a Caffeine cache paid a key object, a probe of the cache, a probe and an insert and a removal
 * in a second map for loads in flight, then the cache's insert with its write buffer, frequency sketch,
 * admission and eviction bookkeeping: about a quarter of a get's time (#19's profiles). Here a lookup is
 * one hash of two longs and a linear probe under the shard's lock; a miss leaves a pending slot in the
 * table, so threads missing the same block find it there and wait for its load; and a hit only sets the
 * slot's reference bit. Frequency-based admission buys nothing for uniformly spread block reads, and for
 * skewed ones CLOCK keeps the hot blocks because their bits are set again before the hand comes round.
 *
 * <p>Why flat arrays: with the blocks spread over more memory than the processor caches, each object a
 * hit visits is a wait on memory. A slot's key, its block and its reference bit sit in parallel arrays
 * at the index the hash gives, so a hit loads them at once and then the block, with no table entry
 * object in between (a chained table's entry was a tenth of a cached get's time).
 *
 * <p>A miss loads the block in the calling thread with no lock held (a remote read can take a hundred
 * milliseconds). Each shard holds at most its share of the capacity; a block larger than a shard's share
 * is returned but not kept.
 */
final class ClockBlockCache implements BlockCache {

  /** Shards hold at least this much, so a small cache is not split into shards too small for a block. */
  private static final long MIN_SHARD_BYTES = 512 * 1024;

  /** At most 2^6 shards: a shard is picked by the hash's top 6 bits. */
  private static final int MAX_SHARDS = 64;

  private final Shard[] shards;
  private final long capacityBytes;

  ClockBlockCache(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacityBytes must not be negative: " + capacityBytes);
    }
    this.capacityBytes = capacityBytes;
    int count = 1;
    while (count < MAX_SHARDS && capacityBytes / (count * 2L) >= MIN_SHARD_BYTES) {
      count *= 2;
    }
    this.shards = new Shard[count];
    long share = capacityBytes / count;
    for (int i = 0; i < count; i++) {
      shards[i] = new Shard(i == count - 1 ? capacityBytes - share * (count - 1) : share);
    }
  }

  /** A 64-bit mix of both parts of the key (murmur3's finalizer): high bits pick the shard, low the slot. */
  private static long hash(long fileId, long offset) {
    long h = fileId * 0x9E3779B97F4A7C15L + offset;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  private Shard shard(long hash) {
    return shards[(int) (hash >>> 58) & (shards.length - 1)];
  }

  @Override
  public Block get(long fileId, long blockOffset, IOSupplier<Block> loader) throws IOException {
    long hash = hash(fileId, blockOffset);
    Shard shard = shard(hash);
    Pending pending;
    CompletableFuture<Block> theirs;
    synchronized (shard) {
      int slot = shard.find(hash, fileId, blockOffset);
      if (slot < 0) {
        shard.misses++;
        pending = shard.insertPending(hash, fileId, blockOffset);
        theirs = null;
      } else {
        shard.hits++;
        Block block = shard.blocks[slot];
        if (block != null) {
          shard.referenced[slot] = true;
          return block;
        }
        pending = null;
        theirs = shard.loading[slot].loaded();
      }
    }
    if (pending != null) {
      return load(shard, pending, loader);
    }
    try {
      return theirs.join();
    } catch (CompletionException | CancellationException e) {
      // The other thread's load failed: load without caching, so this thread gets its own exception
      // (of the loader's type, with its own stack trace) or, if the failure was transient, the block.
      synchronized (shard) { // a lookup that loads is a miss
        shard.hits--;
        shard.misses++;
      }
      return loader.get();
    }
  }

  private static Block load(Shard shard, Pending pending, IOSupplier<Block> loader) throws IOException {
    Block block;
    try {
      block = Objects.requireNonNull(loader.get(), "the block loader returned null");
    } catch (Throwable e) { // anything, even a checked exception thrown sneakily: never leave it pending
      CompletableFuture<Block> waiting;
      synchronized (shard) {
        shard.drop(pending);
        waiting = pending.loaded;
      }
      if (waiting != null) {
        waiting.cancel(false); // waiting threads load again and get their own failure
      }
      throw e;
    }
    CompletableFuture<Block> waiting;
    synchronized (shard) {
      waiting = pending.loaded;
      pending.loaded = null;
      if (block.sizeInBytes() > shard.capacity) {
        shard.drop(pending); // not kept: it would only sweep out every other block of the shard first
      } else {
        shard.admit(pending, block); // unless evictFile dropped it while loading: the file is gone
      }
    }
    if (waiting != null) {
      waiting.complete(block);
    }
    return block;
  }

  @Override
  public Block getIfLoaded(long fileId, long blockOffset) {
    long hash = hash(fileId, blockOffset);
    Shard shard = shard(hash);
    synchronized (shard) {
      int slot = shard.find(hash, fileId, blockOffset);
      Block block = slot < 0 ? null : shard.blocks[slot];
      if (block == null) {
        return null;
      }
      shard.hits++;
      shard.referenced[slot] = true;
      return block;
    }
  }

  @Override
  public void evictFile(long fileId) {
    for (Shard shard : shards) {
      synchronized (shard) {
        shard.removeFile(fileId);
      }
    }
  }

  @Override
  public BlockCacheStats stats() {
    long hits = 0;
    long misses = 0;
    long evictions = 0;
    long weight = 0;
    for (Shard shard : shards) {
      synchronized (shard) {
        hits += shard.hits;
        misses += shard.misses;
        evictions += shard.evictions;
        weight += shard.usedBytes;
      }
    }
    return new BlockCacheStats(hits, misses, evictions, weight);
  }

  @Override
  public String toString() {
    return "BlockCache.clock(" + capacityBytes + " bytes, " + shards.length + " shards)";
  }

  /** A block being loaded. Guarded by its shard's lock. */
  private static final class Pending {
    final long hash;
    final long fileId;
    final long offset;
    /** Whether the table still holds it: evictFile may drop it while it loads. */
    boolean inTable = true;
    /** Completed when the load ends; created only when a second thread waits for it. */
    CompletableFuture<Block> loaded;

    Pending(long hash, long fileId, long offset) {
      this.hash = hash;
      this.fileId = fileId;
      this.offset = offset;
    }

    CompletableFuture<Block> loaded() {
      if (loaded == null) {
        loaded = new CompletableFuture<>();
      }
      return loaded;
    }
  }

  /**
   * One shard: a linear-probing table whose slot {@code i} is empty, loading ({@code loading[i]} set)
   * or cached ({@code blocks[i]} set), keyed by {@code keys[2i]} (file id) and {@code keys[2i + 1]}
   * (offset). The CLOCK hand sweeps the slots in table order, clearing set reference bits and evicting
   * cached blocks whose bit is clear. Removal shifts later slots of the same probe run back, so the table
   * needs no tombstones. A new block sits wherever its hash puts it, so the hand reaches it anywhere from
   * at once to a full turn later (a ring put it a full turn away): a block read only once may go sooner,
   * one read again keeps its bit set either way.
   */
  private static final class Shard {
    private static final int INITIAL_SLOTS = 64;

    private final long capacity;
    private long[] keys = new long[2 * INITIAL_SLOTS];
    Block[] blocks = new Block[INITIAL_SLOTS];
    Pending[] loading = new Pending[INITIAL_SLOTS];
    boolean[] referenced = new boolean[INITIAL_SLOTS];
    private int size; // occupied slots, loading or cached
    private int hand;
    long usedBytes;
    long hits;
    long misses;
    long evictions;

    Shard(long capacity) {
      this.capacity = capacity;
    }

    private int mask() {
      return blocks.length - 1;
    }

    private boolean occupied(int slot) {
      return blocks[slot] != null || loading[slot] != null;
    }

    private int home(int slot) {
      return (int) hash(keys[2 * slot], keys[2 * slot + 1]) & mask();
    }

    /** The slot holding (fileId, offset), loading or cached, or -1. */
    int find(long hash, long fileId, long offset) {
      int mask = mask();
      for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
        if (keys[2 * slot] == fileId && keys[2 * slot + 1] == offset && occupied(slot)) {
          return slot;
        }
        if (!occupied(slot)) {
          return -1;
        }
      }
    }

    Pending insertPending(long hash, long fileId, long offset) {
      if (4 * (size + 1) > 3 * blocks.length) { // at most 3/4 full keeps probe runs short
        resize(2 * blocks.length);
      }
      Pending pending = new Pending(hash, fileId, offset);
      fill(freeSlot(hash), fileId, offset, null, pending, false);
      size++;
      return pending;
    }

    /** The first empty slot of the probe run starting at {@code hash}'s home. */
    private int freeSlot(long hash) {
      int mask = mask();
      int slot = (int) hash & mask;
      while (occupied(slot)) {
        slot = (slot + 1) & mask;
      }
      return slot;
    }

    /** Sets every array at {@code slot}: a slot is its key, its block or load, and its reference bit. */
    private void fill(int slot, long fileId, long offset, Block block, Pending pending, boolean bit) {
      keys[2 * slot] = fileId;
      keys[2 * slot + 1] = offset;
      blocks[slot] = block;
      loading[slot] = pending;
      referenced[slot] = bit;
    }

    private void resize(int slots) {
      long[] oldKeys = keys;
      Block[] oldBlocks = blocks;
      Pending[] oldLoading = loading;
      boolean[] oldReferenced = referenced;
      keys = new long[2 * slots];
      blocks = new Block[slots];
      loading = new Pending[slots];
      referenced = new boolean[slots];
      for (int i = 0; i < oldBlocks.length; i++) {
        if (oldBlocks[i] != null || oldLoading[i] != null) {
          long fileId = oldKeys[2 * i];
          long offset = oldKeys[2 * i + 1];
          fill(freeSlot(hash(fileId, offset)), fileId, offset, oldBlocks[i], oldLoading[i], oldReferenced[i]);
        }
      }
      hand = 0;
    }

    /** The slot of a load in progress, or -1 if evictFile dropped it. */
    private int slotOf(Pending pending) {
      if (!pending.inTable) {
        return -1;
      }
      int slot = find(pending.hash, pending.fileId, pending.offset);
      if (slot < 0 || loading[slot] != pending) {
        throw new IllegalStateException("a pending block is missing from its shard");
      }
      return slot;
    }

    /** Makes a loading slot a cached block, then sweeps until the shard is within its capacity. */
    void admit(Pending pending, Block block) {
      int slot = slotOf(pending);
      if (slot < 0) {
        return;
      }
      pending.inTable = false;
      loading[slot] = null;
      blocks[slot] = block;
      referenced[slot] = false;
      usedBytes += block.sizeInBytes();
      // The new block is no larger than the shard (load() drops larger blocks), and the sweep passes over
      // it: every other cached block is evicted within two turns of the hand if need be, so it ends.
      while (usedBytes > capacity) {
        int victim = hand;
        hand = (hand + 1) & mask();
        if (blocks[victim] == null
            || (keys[2 * victim] == pending.fileId && keys[2 * victim + 1] == pending.offset)) {
          continue;
        }
        if (referenced[victim]) {
          referenced[victim] = false;
        } else {
          evictions++;
          removeAt(victim);
          hand = victim; // a later slot of the run may have shifted into it
        }
      }
    }

    /** Removes a load in progress from the table, if still there. */
    void drop(Pending pending) {
      int slot = slotOf(pending);
      if (slot >= 0) {
        removeAt(slot);
      }
    }

    /**
     * Empties {@code slot}, then closes the gap: each later slot of the probe run whose home is not
     * between the gap and itself moves into the gap, which moves on to where it was.
     */
    private void removeAt(int slot) {
      Block removed = blocks[slot];
      if (removed != null) {
        usedBytes -= removed.sizeInBytes();
      } else {
        loading[slot].inTable = false;
      }
      size--;
      int mask = mask();
      int gap = slot;
      for (int next = (gap + 1) & mask; occupied(next); next = (next + 1) & mask) {
        int home = home(next);
        // Movable when its home is cyclically outside (gap, next]: probing from home reaches gap first.
        boolean movable = gap <= next ? (home <= gap || home > next) : (home <= gap && home > next);
        if (movable) {
          fill(gap, keys[2 * next], keys[2 * next + 1], blocks[next], loading[next], referenced[next]);
          gap = next;
        }
      }
      fill(gap, 0, 0, null, null, false);
    }

    void removeFile(long fileId) {
      if (size == 0) {
        return;
      }
      for (int slot = 0; slot < blocks.length; slot++) {
        // A removal may shift another slot of the file into this one: look again until it does not.
        while (occupied(slot) && keys[2 * slot] == fileId) {
          removeAt(slot);
        }
      }
    }
  }
}
