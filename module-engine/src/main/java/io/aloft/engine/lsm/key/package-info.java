/**
 * The key-level types every stage of the LSM shares, in one low-level place (RocksDB's
 * {@code dbformat.h}): an {@link io.aloft.engine.lsm.key.Entry} (user key, sequence number, kind,
 * value), its {@link io.aloft.engine.lsm.key.EntryKind}, a {@link io.aloft.engine.lsm.key.RangeTombstone},
 * and the {@link io.aloft.engine.lsm.key.InternalKey} layout. Depends on nothing else of the LSM but
 * the block coding of varints.
 */
package io.aloft.engine.lsm.key;
