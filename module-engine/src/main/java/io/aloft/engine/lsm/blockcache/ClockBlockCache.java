package io.aloft.engine.lsm.blockcache;

import io.aloft.engine.lsm.block.Block;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link BlockCache#clock(long)}: blocks in shards, each a chained hash table on (file id, offset) and a
 * CLOCK ring, weighed by uncompressed block bytes; the shape of RocksDB's sharded block cache.
 *
 * <p>Why not a general-purpose cache: when the data is several times the cache, most gets miss, and a
 * miss in a Caffeine cache paid a key object, a probe of the cache, a probe and an insert and a removal
 * in a second map for loads in flight, then the cache's insert with its write buffer, frequency sketch,
 * admission and eviction bookkeeping: about a quarter of a get's time (#19's profiles). Here a lookup is
 * one hash of two longs and one chain walk under the shard's lock; a miss leaves a pending entry in the
 * same chain, so threads missing the same block find it there and wait for its load; and a hit only sets
 * the entry's reference bit. Frequency-based admission buys nothing for uniformly spread block reads,
 * and for skewed ones CLOCK keeps the hot blocks because their bits are set again before the hand comes
 * round.
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

  /** A 64-bit mix of both parts of the key (murmur3's finalizer): high bits pick the shard, low the bucket. */
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
    Entry pending;
    CompletableFuture<Block> theirs;
    synchronized (shard) {
      Entry entry = shard.find(hash, fileId, blockOffset);
      if (entry == null) {
        shard.misses++;
        pending = shard.insertPending(hash, fileId, blockOffset);
        theirs = null;
      } else {
        shard.hits++;
        if (entry.block != null) {
          entry.referenced = true;
          return entry.block;
        }
        pending = null;
        theirs = entry.loaded();
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

  private static Block load(Shard shard, Entry pending, IOSupplier<Block> loader) throws IOException {
    Block block;
    try {
      block = Objects.requireNonNull(loader.get(), "the block loader returned null");
    } catch (Throwable e) { // anything, even a checked exception thrown sneakily: never leave it pending
      CompletableFuture<Block> waiting;
      synchronized (shard) {
        shard.unlink(pending);
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
      if (!pending.inTable) {
        // dropped by evictFile while loading: the file is gone, so is its block
      } else if (block.sizeInBytes() > shard.capacity) {
        shard.unlink(pending); // kept, it would only sweep out every other block of the shard first
      } else {
        shard.admit(pending, block);
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
      Entry entry = shard.find(hash, fileId, blockOffset);
      if (entry == null || entry.block == null) {
        return null;
      }
      shard.hits++;
      entry.referenced = true;
      return entry.block;
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

  /** A cached block, or a block being loaded ({@code block == null}). Guarded by its shard's lock. */
  private static final class Entry {
    final long hash;
    final long fileId;
    final long offset;
    Block block;
    boolean referenced;
    boolean inTable = true;
    /** Completed when a pending entry's load ends; created only when a second thread waits for it. */
    CompletableFuture<Block> loaded;

    Entry chain;
    Entry ringNext;
    Entry ringPrev;

    Entry(long hash, long fileId, long offset) {
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

  /** One shard: a chained hash table of every entry and a CLOCK ring of the loaded ones. */
  private static final class Shard {
    private final long capacity;
    private Entry[] table = new Entry[64];
    private int size;
    /** The CLOCK hand: the next entry the sweep looks at; new entries go just behind it. */
    private Entry hand;
    long usedBytes;
    long hits;
    long misses;
    long evictions;

    Shard(long capacity) {
      this.capacity = capacity;
    }

    private int bucket(long hash) {
      return (int) hash & (table.length - 1);
    }

    Entry find(long hash, long fileId, long offset) {
      for (Entry e = table[bucket(hash)]; e != null; e = e.chain) {
        if (e.offset == offset && e.fileId == fileId) {
          return e;
        }
      }
      return null;
    }

    Entry insertPending(long hash, long fileId, long offset) {
      if (size >= table.length) {
        grow();
      }
      Entry entry = new Entry(hash, fileId, offset);
      int bucket = bucket(hash);
      entry.chain = table[bucket];
      table[bucket] = entry;
      size++;
      return entry;
    }

    private void grow() {
      Entry[] old = table;
      Entry[] grown = new Entry[old.length * 2];
      for (Entry head : old) {
        for (Entry e = head; e != null; ) {
          Entry next = e.chain;
          int bucket = (int) e.hash & (grown.length - 1);
          e.chain = grown[bucket];
          grown[bucket] = e;
          e = next;
        }
      }
      table = grown;
    }

    /** Makes a pending entry a cached block, then sweeps until the shard is within its capacity. */
    void admit(Entry entry, Block block) {
      entry.block = block;
      if (hand == null) {
        entry.ringNext = entry;
        entry.ringPrev = entry;
        hand = entry;
      } else { // just behind the hand: the last the sweep reaches
        entry.ringNext = hand;
        entry.ringPrev = hand.ringPrev;
        hand.ringPrev.ringNext = entry;
        hand.ringPrev = entry;
      }
      usedBytes += block.sizeInBytes();
      // The new entry is unreferenced and no larger than the shard (load() drops larger blocks), so the
      // sweep ends before it reaches it.
      while (usedBytes > capacity) {
        Entry victim = hand;
        if (victim.referenced) {
          victim.referenced = false;
          hand = victim.ringNext;
        } else {
          evictions++;
          unlink(victim);
        }
      }
    }

    /** Removes an entry from the table and, if loaded, from the ring. */
    void unlink(Entry entry) {
      if (!entry.inTable) {
        return;
      }
      entry.inTable = false;
      int bucket = bucket(entry.hash);
      if (table[bucket] == entry) {
        table[bucket] = entry.chain;
      } else {
        Entry e = table[bucket];
        while (e.chain != entry) {
          e = e.chain;
        }
        e.chain = entry.chain;
      }
      size--;
      if (entry.block != null) {
        usedBytes -= entry.block.sizeInBytes();
        if (entry.ringNext == entry) {
          hand = null;
        } else {
          if (hand == entry) {
            hand = entry.ringNext;
          }
          entry.ringPrev.ringNext = entry.ringNext;
          entry.ringNext.ringPrev = entry.ringPrev;
        }
        entry.ringNext = null;
        entry.ringPrev = null;
        entry.block = null; // let a deleted file's blocks be collected even if a caller holds the entry
      }
    }

    void removeFile(long fileId) {
      if (size == 0) {
        return;
      }
      for (int i = 0; i < table.length; i++) {
        for (Entry e = table[i]; e != null; ) {
          Entry next = e.chain;
          if (e.fileId == fileId) {
            unlink(e);
          }
          e = next;
        }
      }
    }
  }
}
