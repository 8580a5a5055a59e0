package io.aloft.engine.filecache;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.READ;

import io.aloft.spi.cache.CachePolicy;
import io.aloft.spi.fs.Location;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The local half of the file cache: the copies on disk, their accounting against the limits, and the
 * eviction policy. {@link CachingFileSystem} decides what to copy and when; this class decides whether
 * there is room and keeps every copy either whole and verified or absent.
 *
 * <p>Limits. A copy reserves its bytes before writing them, evicting the policy's victims until the
 * reservation fits: {@code used + reserved + draining + n <= sizeLimit} (when on), and
 * {@code free - unwritten - n >= reserveSize} (when on), where {@code free} is the probe's answer and
 * {@code unwritten} the reserved bytes not on disk yet. The size limit holds at every moment under any
 * concurrency; so does the reserve against the cache's own writes (space that other programs take is
 * given back at the cache's next reservation). A copy that cannot get room is given up and its file
 * stays remote. A copy still being
 * read when evicted is deleted when its last read ends ({@code draining}); making room waits for that
 * (briefly) rather than evict more.
 *
 * <p>Directory layout: {@code files/} holds published copies ({@link CacheFileFormat}), {@code tmp/}
 * copies in progress. At open, {@code tmp/} is emptied and every copy in {@code files/} whose footer and
 * chunk table check out is adopted (oldest first); the rest are deleted.
 *
 * <p>Thread-safe: every mutable field is guarded by {@link #lock}, except where noted; the policy is
 * called under it. Local reads run outside it, on copies their readers keep open.
 */
final class FileCache implements Closeable {
  private static final System.Logger LOG = System.getLogger(FileCache.class.getName());

  /** How long making room waits for reads of evicted copies to end before it gives up. */
  static final long DRAIN_WAIT_MILLIS = 200;

  private final Path dir;
  private final Path filesDir;
  private final Path tmpDir;
  private final CachePolicy policy;
  private final long sizeLimit;
  private final long reserveSize;
  private final FreeSpaceProbe probe;
  private final int chunkSize;

  private final Object lock = new Object();
  private final Map<String, CachedFile> files = new HashMap<>();
  /** Removed copies whose last reads are still running, by key. */
  private final Map<String, CachedFile> draining = new HashMap<>();
  private final Map<String, LocalCopy> copies = new HashMap<>();
  /** Open {@link CachingInput}s per key: a copy's channel stays open while any exists. */
  private final Map<String, Integer> openInputs = new HashMap<>();
  private long used;
  private long reserved;
  private long drainingBytes;
  private long lastCapacity = -1;
  private boolean probeFailed;
  private boolean closed;

  /** Reserved bytes not yet on disk, so not yet seen by the probe. Changed by copies without the lock. */
  private final AtomicLong unwritten = new AtomicLong();

  // Metrics, guarded by the lock.
  private long hits;
  private long misses;
  private long evictions;
  private long loadBacks;
  private long remoteReadRequests;
  private long remoteBytesRead;
  private long corruptCopiesDropped;
  private long copiesNotCached;
  private long loadBacksRefused;

  private FileCache(
      Path dir, CachePolicy policy, long sizeLimit, long reserveSize, FreeSpaceProbe probe, int chunkSize) {
    this.dir = dir;
    this.filesDir = dir.resolve("files");
    this.tmpDir = dir.resolve("tmp");
    this.policy = policy;
    this.sizeLimit = sizeLimit;
    this.reserveSize = reserveSize;
    this.probe = probe;
    this.chunkSize = chunkSize;
  }

  /**
   * Opens the cache in {@code dir}, adopting the valid copies a previous run left there.
   *
   * @param probe the free-space probe, or null for the usable space of {@code dir}'s file store
   */
  static FileCache open(
      Path dir, CachePolicy policy, long sizeLimit, long reserveSize, FreeSpaceProbe probe, int chunkSize)
      throws IOException {
    Files.createDirectories(dir.resolve("files"));
    Files.createDirectories(dir.resolve("tmp"));
    FileCache cache =
        new FileCache(dir, policy, sizeLimit, reserveSize, probe != null ? probe : defaultProbe(dir), chunkSize);
    cache.recover();
    return cache;
  }

  /** The usable space of {@code dir}'s file store; if that cannot be found, a probe that says why. */
  private static FreeSpaceProbe defaultProbe(Path dir) {
    try {
      return FreeSpaceProbe.of(dir);
    } catch (IOException e) {
      return () -> {
        throw e;
      };
    }
  }

  private void recover() throws IOException {
    try (Stream<Path> leftovers = Files.list(tmpDir)) {
      for (Path p : (Iterable<Path>) leftovers::iterator) {
        deleteRecursively(p);
      }
    }
    List<Path> found = new ArrayList<>();
    Map<Path, Long> modified = new HashMap<>();
    Files.walkFileTree(
        filesDir,
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            found.add(file);
            modified.put(file, attrs.lastModifiedTime().toMillis());
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
    found.sort(Comparator.comparing(modified::get));
    synchronized (lock) {
      for (Path file : found) {
        adopt(file);
      }
      makeRoom(0); // the limits may be lower than last time
    }
  }

  private void adopt(Path file) throws IOException {
    try {
      Location location = CacheFileFormat.locationOf(filesDir, file);
      if (!CacheFileFormat.pathOf(filesDir, location).equals(file)) {
        throw new IllegalArgumentException("not a path the cache writes");
      }
      CacheFileFormat.Footer footer;
      try (FileChannel channel = FileChannel.open(file, READ)) {
        footer = CacheFileFormat.validate(channel, file);
      }
      CachedFile f = new CachedFile(location, file, footer.length(), footer.diskBytes(), footer.chunkSize());
      files.put(f.key, f);
      used += f.diskBytes;
      policy.onInsert(f.key, f.diskBytes);
    } catch (IOException | IllegalArgumentException e) {
      LOG.log(System.Logger.Level.INFO, "dropping unusable cache file " + file + ": " + e.getMessage());
      corruptCopiesDropped++;
      Files.deleteIfExists(file);
    }
  }

  // ------------------------------------------------------------------------------------ reading

  /**
   * The copy of {@code key} with one more reader — the caller must {@link #release} it — or null when
   * there is none (or its length differs from {@code expectedLength}, unless that is negative).
   */
  CachedFile acquire(String key, long expectedLength) {
    synchronized (lock) {
      CachedFile f = files.get(key);
      if (f == null || closed) {
        return null;
      }
      if (expectedLength >= 0 && f.length != expectedLength) {
        remove(f, false); // another file under the same name: the copy is stale
        return null;
      }
      if (f.channel == null) {
        try {
          f.channel = FileChannel.open(f.path, READ);
          if (f.channel.size() != f.diskBytes) {
            throw new CorruptCacheFileException(f.path, f.channel.size() + " bytes, expected " + f.diskBytes);
          }
        } catch (IOException e) {
          drop(f, e);
          return null;
        }
      }
      f.readers++;
      return f;
    }
  }

  /** Ends a read of {@code f}; {@code served} says whether it was answered from the copy. */
  void release(CachedFile f, boolean served) {
    synchronized (lock) {
      f.readers--;
      if (served) {
        hits++;
        if (!f.removed) {
          policy.onAccess(f.key);
        }
      }
      if (f.readers == 0) {
        if (f.removed) {
          drainingBytes -= f.diskBytes;
          destroy(f);
          lock.notifyAll();
        } else if (closed || !openInputs.containsKey(f.key)) {
          closeChannel(f);
        }
      }
    }
  }

  /**
   * Reads {@code length} bytes of {@code f}'s data at {@code position}, checking the CRC of every chunk
   * they touch. The caller holds {@code f} and has checked the bounds.
   *
   * @throws CorruptCacheFileException if the copy is short or a chunk fails its CRC
   */
  void read(CachedFile f, long position, byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return;
    }
    int cs = f.chunkSize;
    long first = position / cs;
    long last = (position + length - 1) / cs;
    long start = first * cs;
    int span = Math.toIntExact(Math.min((last + 1) * cs, f.length) - start);
    ByteBuffer data = ByteBuffer.allocate(span);
    CacheFileFormat.readFully(f.channel, data, start, f.path);
    ByteBuffer crcs = ByteBuffer.allocate(Math.toIntExact((last - first + 1) * CacheFileFormat.CRC_BYTES));
    CacheFileFormat.readFully(f.channel, crcs, f.length + first * CacheFileFormat.CRC_BYTES, f.path);
    byte[] bytes = data.array();
    CRC32C crc = new CRC32C();
    for (int c = 0; c <= last - first; c++) {
      int from = c * cs;
      crc.reset();
      crc.update(bytes, from, Math.min(cs, span - from));
      if ((int) crc.getValue() != crcs.getInt(c * CacheFileFormat.CRC_BYTES)) {
        throw new CorruptCacheFileException(
            f.path, "chunk " + (first + c) + " (bytes " + (start + from) + "..) fails its CRC32C");
      }
    }
    System.arraycopy(bytes, (int) (position - start), buffer, offset, length);
  }

  /** Deletes a copy that turned out damaged (or unreadable); reads of it go remote from now on. */
  void drop(CachedFile f, IOException cause) {
    synchronized (lock) {
      if (f.removed) {
        return;
      }
      LOG.log(System.Logger.Level.WARNING, "dropping local copy of " + f.location + ": " + cause.getMessage());
      corruptCopiesDropped++;
      remove(f, false);
    }
  }

  void inputOpened(String key) {
    synchronized (lock) {
      openInputs.merge(key, 1, Integer::sum);
    }
  }

  void inputClosed(String key) {
    synchronized (lock) {
      Integer left = openInputs.merge(key, -1, Integer::sum);
      if (left != null && left <= 0) {
        openInputs.remove(key);
        CachedFile f = files.get(key);
        if (f != null && f.readers == 0) {
          closeChannel(f);
        }
      }
    }
  }

  /**
   * Whether a load-back of {@code key} ({@code bytes} of data) should go ahead: it fits without
   * evicting, or the policy {@linkplain CachePolicy#admit admits} it over the file it would evict
   * first. Counts a refusal.
   */
  boolean admitsLoadBack(String key, long bytes) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      updateCapacity();
      if (fits(CacheFileFormat.diskBytes(bytes, chunkSize), false)) {
        return true;
      }
      Optional<String> victim = policy.nextVictim();
      if (victim.isEmpty() || policy.admit(key, victim.get())) {
        return true;
      }
      loadBacksRefused++;
      return false;
    }
  }

  boolean isCached(String key) {
    synchronized (lock) {
      return files.containsKey(key);
    }
  }

  /** The length of the cached file {@code key}, or -1. */
  long cachedLength(String key) {
    synchronized (lock) {
      CachedFile f = files.get(key);
      return f == null ? -1 : f.length;
    }
  }

  // ------------------------------------------------------------------------------------ writing

  /**
   * Starts a copy of {@code location}, or returns null when the cache is closed or a copy of it is
   * already in progress (a concurrent exclusive create, or a load-back).
   */
  LocalCopy beginCopy(Location location) {
    String key = location.toString();
    synchronized (lock) {
      if (closed || copies.containsKey(key)) {
        return null;
      }
      LocalCopy copy = new LocalCopy(this, location, tmpDir.resolve(UUID.randomUUID() + ".part"), chunkSize);
      copies.put(key, copy);
      return copy;
    }
  }

  /** Reserves {@code bytes} more for {@code copy}, evicting as needed; false when there is no room. */
  boolean reserve(LocalCopy copy, long bytes) {
    synchronized (lock) {
      if (closed || copy.cancelled || !makeRoom(bytes)) {
        return false;
      }
      reserved += bytes;
      copy.reserved += bytes;
      unwritten.addAndGet(bytes);
      return true;
    }
  }

  /** {@code bytes} of reserved space are now on disk. */
  void written(long bytes) {
    unwritten.addAndGet(-bytes);
  }

  /** Moves a finished copy into the cache; false (and the copy deleted) when it was cancelled meanwhile. */
  boolean publish(LocalCopy copy, long length, int chunkSize) {
    boolean published = false;
    try {
      synchronized (lock) {
        endReservation(copy);
        if (closed || copy.cancelled || draining.containsKey(copy.key)) {
          return false; // deleted or replaced meanwhile, or an old copy's file is still being read
        }
        CachedFile old = files.get(copy.key);
        if (old != null) {
          remove(old, false);
          if (old.removed && draining.containsKey(old.key)) {
            copiesNotCached++;
            return false;
          }
        }
        Path target = CacheFileFormat.pathOf(filesDir, copy.location);
        try {
          Files.createDirectories(target.getParent());
          Files.move(copy.tmp, target, ATOMIC_MOVE, REPLACE_EXISTING);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "cannot publish " + copy + ": " + e.getMessage());
          copiesNotCached++;
          return false;
        }
        CachedFile f =
            new CachedFile(copy.location, target, length, CacheFileFormat.diskBytes(length, chunkSize), chunkSize);
        files.put(f.key, f);
        used += f.diskBytes;
        policy.onInsert(f.key, f.diskBytes);
        published = true;
        return true;
      }
    } finally {
      if (!published) {
        discard(copy);
      }
    }
  }

  /** Ends a copy that will not be published; {@code noRoomOrFailure} counts it in the metrics. */
  void abandon(LocalCopy copy, boolean noRoomOrFailure, IOException cause) {
    synchronized (lock) {
      endReservation(copy);
      if (noRoomOrFailure) {
        copiesNotCached++;
      }
    }
    if (cause != null) {
      LOG.log(System.Logger.Level.WARNING, "giving up " + copy + ": " + cause.getMessage());
    }
    discard(copy);
  }

  private void endReservation(LocalCopy copy) {
    copies.remove(copy.key, copy);
    reserved -= copy.reserved;
    unwritten.addAndGet(-Math.max(0, copy.reserved - copy.flushed));
    copy.reserved = 0;
  }

  private static void discard(LocalCopy copy) {
    try {
      copy.discardFile();
    } catch (IOException e) {
      // Left in tmp/, which the next open empties.
      LOG.log(System.Logger.Level.WARNING, "cannot delete " + copy.tmp + ": " + e.getMessage());
    }
  }

  // ----------------------------------------------------------------------------------- removing

  /** Forgets the copy of {@code key} (the remote file was deleted or replaced), and any copy in progress. */
  void invalidate(String key) {
    synchronized (lock) {
      LocalCopy copy = copies.remove(key);
      if (copy != null) {
        copy.cancelled = true;
      }
      CachedFile f = files.get(key);
      if (f != null) {
        remove(f, false);
      }
    }
  }

  /** Forgets every copy of a file below {@code directory}. */
  void invalidateBelow(Location directory) {
    synchronized (lock) {
      for (LocalCopy copy : new ArrayList<>(copies.values())) {
        if (copy.location.isBelow(directory)) {
          copies.remove(copy.key);
          copy.cancelled = true;
        }
      }
      for (CachedFile f : new ArrayList<>(files.values())) {
        if (f.location.isBelow(directory)) {
          remove(f, false);
        }
      }
    }
  }

  private void remove(CachedFile f, boolean eviction) {
    files.remove(f.key);
    used -= f.diskBytes;
    policy.onRemove(f.key);
    f.removed = true;
    if (eviction) {
      evictions++;
    }
    if (f.readers == 0) {
      destroy(f);
    } else {
      drainingBytes += f.diskBytes;
      draining.put(f.key, f);
    }
  }

  private void destroy(CachedFile f) {
    draining.remove(f.key, f);
    closeChannel(f);
    try {
      Files.deleteIfExists(f.path);
    } catch (IOException e) {
      // The space stays taken until the next open, which deletes or adopts it.
      LOG.log(System.Logger.Level.WARNING, "cannot delete cache file " + f.path + ": " + e.getMessage());
    }
  }

  private static void closeChannel(CachedFile f) {
    if (f.channel != null) {
      try {
        f.channel.close();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot close cache file " + f.path + ": " + e.getMessage());
      }
      f.channel = null;
    }
  }

  // ------------------------------------------------------------------------------------- limits

  /** Evicts until {@code bytes} more fit, waiting briefly for evicted copies' last reads. Lock held. */
  private boolean makeRoom(long bytes) {
    updateCapacity();
    if (!couldFit(bytes)) {
      return false; // even an empty cache would not take it: evict nothing
    }
    long deadline = 0;
    int strays = 0;
    while (!fits(bytes, false)) {
      boolean roomOnceDrained = drainingBytes > 0 && fits(bytes, true);
      Optional<String> victim = roomOnceDrained ? Optional.empty() : policy.nextVictim();
      if (victim.isPresent()) {
        CachedFile f = files.get(victim.get());
        if (f != null) {
          remove(f, true);
        } else if (++strays > files.size() + 16) {
          return false; // the policy keeps naming files it was never given: stop
        } else {
          policy.onRemove(victim.get());
        }
        continue;
      }
      if (drainingBytes == 0) {
        return false;
      }
      if (deadline == 0) {
        deadline = System.nanoTime() + DRAIN_WAIT_MILLIS * 1_000_000;
      }
      long waitMillis = (deadline - System.nanoTime()) / 1_000_000;
      if (waitMillis <= 0) {
        return false;
      }
      try {
        lock.wait(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private boolean fits(long bytes, boolean onceDrained) {
    if (sizeLimit > 0 && used + reserved + (onceDrained ? 0 : drainingBytes) + bytes > sizeLimit) {
      return false;
    }
    if (reserveSize > 0) {
      long free = usableBytes();
      return free >= 0 && free + (onceDrained ? drainingBytes : 0) - unwritten.get() - bytes >= reserveSize;
    }
    return true;
  }

  private boolean couldFit(long bytes) {
    if (sizeLimit > 0 && reserved + bytes > sizeLimit) {
      return false;
    }
    if (reserveSize > 0) {
      long free = usableBytes();
      return free >= 0 && free + used + drainingBytes - unwritten.get() - bytes >= reserveSize;
    }
    return true;
  }

  private void updateCapacity() {
    long capacity = sizeLimit > 0 ? sizeLimit : Long.MAX_VALUE;
    if (reserveSize > 0) {
      long free = usableBytes();
      if (free >= 0) {
        capacity = Math.min(capacity, used + reserved + Math.max(0, free - unwritten.get() - reserveSize));
      }
    }
    if (capacity != lastCapacity) {
      lastCapacity = capacity;
      policy.onCapacity(capacity);
    }
  }

  /** The probe's answer, or -1 when it fails (then nothing new is cached: the reserve is unknown). */
  private long usableBytes() {
    try {
      long free = probe.usableBytes();
      probeFailed = false;
      return free;
    } catch (IOException | UncheckedIOException e) {
      if (!probeFailed) {
        LOG.log(System.Logger.Level.WARNING, "cannot read the free space of the cache's disk: " + e.getMessage());
        probeFailed = true;
      }
      return -1;
    }
  }

  // ------------------------------------------------------------------------------------ metrics

  void recordMiss(String key, long bytes) {
    synchronized (lock) {
      policy.onMiss(key);
      misses++;
      remoteReadRequests++;
      remoteBytesRead += bytes;
    }
  }

  void recordLoadBackRead(long bytes) {
    synchronized (lock) {
      remoteReadRequests++;
      remoteBytesRead += bytes;
    }
  }

  void recordLoadBack() {
    synchronized (lock) {
      loadBacks++;
    }
  }

  FileCacheMetrics metrics() {
    synchronized (lock) {
      return new FileCacheMetrics(
          hits,
          misses,
          evictions,
          loadBacks,
          used,
          files.size(),
          remoteReadRequests,
          remoteBytesRead,
          corruptCopiesDropped,
          copiesNotCached,
          loadBacksRefused);
    }
  }

  /** The cache's directory (its copies and temporary files are below it). */
  Path directory() {
    return dir;
  }

  /** Stops caching: reads go remote from now on; the copies stay on disk for the next open. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (LocalCopy copy : copies.values()) {
        copy.cancelled = true;
      }
      copies.clear();
      for (CachedFile f : files.values()) {
        if (f.readers == 0) {
          closeChannel(f);
        }
      }
    }
  }

  /** Closes the cache and deletes its directory. */
  void destroy() throws IOException {
    close();
    synchronized (lock) {
      for (CachedFile f : files.values()) {
        closeChannel(f);
      }
      files.clear();
      used = 0;
    }
    deleteRecursively(dir);
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> children = Files.list(p)) {
        for (Path c : (Iterable<Path>) children::iterator) {
          deleteRecursively(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
