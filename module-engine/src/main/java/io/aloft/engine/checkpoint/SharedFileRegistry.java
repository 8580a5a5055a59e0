package io.aloft.engine.checkpoint;

import io.aloft.spi.backend.FileOwnership;
import io.aloft.spi.fs.FileSystems;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one answer to "may this shared file be deleted?", and the only code that deletes a shared file
 * (an SST of a {@code forst} tree, a copy a checkpoint made, a file inherited from a restored
 * checkpoint). Everything else only adds and drops references, as SlateDB's garbage collector and
 * Flink's shared state registry have it:
 *
 * <ul>
 *   <li><b>live</b>: a version of the tree lists the file (the current one, or an older one a reader
 *       still pins); counted, because versions share files;
 *   <li><b>checkpoints</b>: a retained checkpoint of this instance names the file;
 *   <li><b>origin</b>: the tree wrote it ({@link Origin#WRITTEN}), a checkpoint copied it
 *       ({@link Origin#COPIED}), or a restore opened it in place ({@link Origin#RESTORED}).
 * </ul>
 *
 * <p>A file without references is deleted when its origin lets Aloft delete it:
 *
 * <ul>
 *   <li>with {@link FileOwnership#ALOFT}: written files and copies at once; restored files once the
 *       checkpoint store says that no lease names them any more ({@link #releaseInherited}), since other
 *       instances may share them;
 *   <li>with {@link FileOwnership#HOST}: only written files that no checkpoint ever named. A file a
 *       checkpoint named, and every restored file, belongs to the host, which deletes it.
 * </ul>
 *
 * <p>A file this registry does not know (an orphan a crash left, found by listing) is deleted only with
 * {@link FileOwnership#ALOFT}: with the host owning files, an unknown file may be one a checkpoint of an
 * earlier run named. A delete that fails is tried again by the next {@link #checkpointSubsumed} or
 * {@link #releaseInherited}; a leftover file wastes space but loses nothing.
 *
 * <p>Threading: thread-safe. Deletes run on the thread that dropped the last reference, outside the
 * registry's lock.
 */
public final class SharedFileRegistry {

  /** Where a shared file came from; with the references, it decides whether Aloft may delete it. */
  public enum Origin {
    /** Written by this instance's tree. */
    WRITTEN,
    /** Copied into a checkpoint's directory by a checkpoint of this instance. */
    COPIED,
    /** Opened in place from a restored checkpoint: inherited from the run that wrote it. */
    RESTORED
  }

  /** A backend whose shared files a registry holds: the checkpoint store releases inherited files there. */
  public interface Owner {
    SharedFileRegistry sharedFiles();
  }

  private static final class Entry {
    final Origin origin;
    int live;
    final Set<Long> checkpoints = new HashSet<>();
    /** Whether a checkpoint ever named the file: with the host owning files, it is the host's. */
    boolean named;
    /** For a restored file: the checkpoint store no longer needs it. */
    boolean inheritedReleased;

    Entry(Origin origin) {
      this.origin = origin;
    }
  }

  private final FileSystems fileSystems;
  private final FileOwnership ownership;
  private final Map<String, Entry> files = new HashMap<>(); // this
  private final Map<String, Location> failedDeletes = new LinkedHashMap<>(); // this

  public SharedFileRegistry(FileSystems fileSystems, FileOwnership ownership) {
    this.fileSystems = fileSystems;
    this.ownership = ownership;
  }

  /** Who deletes the files checkpoints name. */
  public FileOwnership ownership() {
    return ownership;
  }

  /** Records where {@code file} came from, before anything references it; a second call changes nothing. */
  public synchronized void register(Location file, Origin origin) {
    files.putIfAbsent(file.toString(), new Entry(origin));
  }

  /** A version of the tree lists {@code file}, which must be registered. */
  public synchronized void acquire(Location file) {
    entry(file).live++;
  }

  /**
   * A version of the tree that listed {@code file} is gone; the file is deleted if that was its last
   * reference and Aloft may delete it. Returns whether no version lists the file any more (its reader
   * may be closed).
   */
  public boolean release(Location file) {
    Location delete;
    boolean unused;
    synchronized (this) {
      Entry e = files.get(file.toString());
      if (e == null) {
        return true; // disposed of with the working state
      }
      if (e.live <= 0) {
        throw new IllegalStateException(file + " is released more often than acquired");
      }
      e.live--;
      unused = e.live == 0;
      delete = unused ? settle(file.toString(), e) : null;
    }
    deleteQuietly(delete);
    return unused;
  }

  /** Checkpoint {@code checkpointId} names {@code file}, which must be registered. */
  public synchronized void named(long checkpointId, Location file) {
    Entry e = entry(file);
    e.checkpoints.add(checkpointId);
    e.named = true;
  }

  /** Checkpoint {@code checkpointId} is no longer retained: files only it held may go. */
  public void checkpointSubsumed(long checkpointId) {
    List<Location> delete = new ArrayList<>();
    synchronized (this) {
      for (Map.Entry<String, Entry> e : new ArrayList<>(files.entrySet())) {
        if (e.getValue().checkpoints.remove(checkpointId) && e.getValue().checkpoints.isEmpty()) {
          Location free = settle(e.getKey(), e.getValue());
          if (free != null) {
            delete.add(free);
          }
        }
      }
      delete.addAll(failedDeletes.values());
      failedDeletes.clear();
    }
    delete.forEach(this::deleteQuietly);
  }

  /**
   * The checkpoint store has found that no lease names these inherited files any more. Each is deleted
   * now if nothing here references it, or once the last reference goes. Returns the deletes that
   * failed now, by file (the caller reports them; they are tried again later).
   */
  public Map<Location, Exception> releaseInherited(Collection<Location> inherited) {
    List<Location> delete = new ArrayList<>();
    synchronized (this) {
      for (Location file : inherited) {
        Entry e = files.get(file.toString());
        if (e == null) {
          if (ownership == FileOwnership.ALOFT) {
            delete.add(file); // nothing of this run reads it or names it
          }
          continue;
        }
        e.inheritedReleased = true;
        Location free = settle(file.toString(), e);
        if (free != null) {
          delete.add(free);
        }
      }
      delete.addAll(failedDeletes.values());
      failedDeletes.clear();
    }
    Map<Location, Exception> failures = new LinkedHashMap<>();
    Map<StateFileSystem, List<Location>> byStore = new LinkedHashMap<>();
    for (Location file : delete) {
      try {
        byStore.computeIfAbsent(fileSystems.forLocation(file), k -> new ArrayList<>()).add(file);
      } catch (IOException | RuntimeException e) {
        failures.put(file, e);
      }
    }
    for (Map.Entry<StateFileSystem, List<Location>> store : byStore.entrySet()) {
      try {
        store.getKey().deleteFiles(store.getValue()); // one request per page where the store batches
      } catch (IOException | RuntimeException batch) {
        for (Location file : store.getValue()) {
          try {
            store.getKey().delete(file);
          } catch (IOException | RuntimeException e) {
            failures.put(file, e);
          }
        }
      }
    }
    synchronized (this) {
      failures.keySet().forEach(file -> failedDeletes.put(file.toString(), file));
    }
    return failures;
  }

  /**
   * Deletes those of {@code candidates} — files of the tree's own directory, found by listing — that
   * no version lists and no retained checkpoint names, when Aloft may delete them: the orphans a crash
   * left on open, the working state when the backend is disposed of (its versions are then ignored).
   */
  public void deleteUnreferenced(Collection<Location> candidates, boolean ignoreLiveVersions) {
    List<Location> delete = new ArrayList<>();
    synchronized (this) {
      for (Location file : candidates) {
        Entry e = files.get(file.toString());
        if (e == null) {
          if (ownership == FileOwnership.ALOFT) {
            delete.add(file);
          }
        } else if ((ignoreLiveVersions || e.live == 0) && e.checkpoints.isEmpty() && mayDelete(e)) {
          files.remove(file.toString());
          delete.add(file);
        }
      }
    }
    delete.forEach(this::deleteQuietly);
  }

  /** Whether a version lists {@code file} or a retained checkpoint names it. */
  public synchronized boolean isReferenced(Location file) {
    Entry e = files.get(file.toString());
    return e != null && (e.live > 0 || !e.checkpoints.isEmpty());
  }

  /** Whether {@code file} is known here (not deleted, not forgotten). */
  public synchronized boolean contains(Location file) {
    return files.containsKey(file.toString());
  }

  /**
   * Whether a version of the tree lists a file below {@code dir} that a restore opened in place: the
   * tree still reads the checkpoint it was restored from.
   */
  public synchronized boolean readsRestoredBelow(Location dir) {
    for (Map.Entry<String, Entry> e : files.entrySet()) {
      if (e.getValue().origin == Origin.RESTORED
          && e.getValue().live > 0
          && Location.of(e.getKey()).isBelow(dir)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Decides the fate of an entry that may have lost its last reference: the file to delete, or null
   * (kept, or forgotten because it is the host's or not Aloft's to delete). Called holding the lock.
   */
  private Location settle(String file, Entry e) {
    if (e.live > 0 || !e.checkpoints.isEmpty()) {
      return null;
    }
    if (mayDelete(e)) {
      files.remove(file);
      return Location.of(file);
    }
    if (ownership == FileOwnership.HOST || e.origin != Origin.RESTORED) {
      // Nothing here will ever delete it: the host's (every file it may own), or already gone.
      files.remove(file);
    }
    return null;
  }

  private boolean mayDelete(Entry e) {
    if (ownership == FileOwnership.HOST) {
      return e.origin == Origin.WRITTEN && !e.named;
    }
    return e.origin != Origin.RESTORED || e.inheritedReleased;
  }

  private Entry entry(Location file) {
    Entry e = files.get(file.toString());
    if (e == null) {
      throw new IllegalStateException(file + " is not registered");
    }
    return e;
  }

  private void deleteQuietly(Location file) {
    if (file == null) {
      return;
    }
    try {
      fileSystems.forLocation(file).delete(file);
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        failedDeletes.put(file.toString(), file);
      }
    }
  }
}
