/**
 * The LSM engine of the {@code forst} backend, one class per stage of a key's life: {@code LsmTree} is
 * the facade; {@code WritePath} (memtables, stalls), {@code Flusher} (level-0 files),
 * {@code Compactor} with {@code CompactionPicker} and {@code CompactionJob} (leveled compaction, TTL,
 * key-group clipping), {@code ReadPath} (gets, multi-gets, scans) and {@code VersionSet} (versions,
 * manifest, file numbers) do the work. Below it: {@code memtable}, {@code manifest}, {@code sst} (the
 * file format), {@code block} (block encoding), {@code blockcache}, and {@code key} (the key-level
 * types all of them share). The tree reads and writes its files through the storage SPI only; whether
 * a local file cache sits in between ({@code io.aloft.engine.filecache}) is the backend's choice, and
 * which files may be deleted is the {@code SharedFileRegistry}'s.
 */
package io.aloft.engine.lsm;
