package io.aloft.engine.keyedstate;

/**
 * Whether a storage call only reads, or may write. Batches run a key's writes before its later reads
 * and never reorder calls of one key, so the kind is what lets unrelated reads run in parallel.
 */
public enum RequestKind {
  /** Reads only; may run in parallel with other reads. */
  READ,
  /** Writes (or reads and writes, like a TTL read that deletes what expired); runs in order. */
  WRITE
}
