package io.aloft.engine.lsm.sst;

/** The constants of the SST file format; {@code docs/format.md} describes the format byte by byte. */
final class SstFormat {
  private SstFormat() {}

  /**
   * The format version this code writes. Version 2 changed only the filter block (a cache-local Bloom
   * filter, see {@link BloomFilter}); readers read versions {@link #OLDEST_READ_VERSION} to this one.
   */
  static final int FORMAT_VERSION = 2;

  /** The oldest format version this code reads. */
  static final int OLDEST_READ_VERSION = 1;

  /** The last 8 bytes of every SST file: {@code "ALOFTSST"} in ASCII. */
  static final long MAGIC = 0x414C_4F46_5453_5354L;



  /** Restart interval of the index, properties and range-tombstone blocks. */
  static final int META_RESTART_INTERVAL = 16;



  /** Properties-block names; the block is sorted by name and readers ignore names they do not know. */
  static final String PROP_DATA_BLOCKS = "aloft.data.blocks";
  static final String PROP_ENTRIES = "aloft.entries";
  static final String PROP_KEY_GROUP_MAX = "aloft.key-group.max";
  static final String PROP_KEY_GROUP_MIN = "aloft.key-group.min";
  static final String PROP_LARGEST_KEY = "aloft.key.largest";
  static final String PROP_SMALLEST_KEY = "aloft.key.smallest";
  static final String PROP_RANGE_TOMBSTONES = "aloft.range-tombstones";
  static final String PROP_RAW_KEY_BYTES = "aloft.raw.key.bytes";
  static final String PROP_RAW_VALUE_BYTES = "aloft.raw.value.bytes";
  static final String PROP_SEQ_MAX = "aloft.seq.max";
  static final String PROP_SEQ_MIN = "aloft.seq.min";
  static final String PROP_TOMBSTONES = "aloft.tombstones";
}
