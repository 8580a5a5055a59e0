package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.SstCorruptionException;

import io.aloft.engine.lsm.block.Block;
import io.aloft.engine.lsm.block.BlockBuilder;
import io.aloft.engine.lsm.block.BlockCursor;
import io.aloft.engine.lsm.block.ByteReader;
import io.aloft.engine.lsm.block.ByteSink;
import io.aloft.engine.lsm.block.Coding;
import io.aloft.engine.lsm.key.Entry;

import static io.aloft.engine.lsm.sst.SstFormat.PROP_DATA_BLOCKS;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_ENTRIES;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_KEY_GROUP_MAX;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_KEY_GROUP_MIN;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_LARGEST_KEY;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_RANGE_TOMBSTONES;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_RAW_KEY_BYTES;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_RAW_VALUE_BYTES;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_SEQ_MAX;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_SEQ_MIN;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_SMALLEST_KEY;
import static io.aloft.engine.lsm.sst.SstFormat.PROP_TOMBSTONES;
import static java.nio.charset.StandardCharsets.US_ASCII;

import io.aloft.spi.fs.Location;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The properties block: a META block whose keys are property names (ASCII, sorted) and whose values are
 * unsigned varints for numbers and raw bytes for keys. Readers ignore names they do not know, so later
 * writers may add properties without a new format version. The format version and file size live in
 * the footer, not here.
 */
final class PropertiesBlock {
  private PropertiesBlock() {}

  static void encode(SstProperties p, BlockBuilder out) {
    Map<String, byte[]> values = new TreeMap<>();
    values.put(PROP_DATA_BLOCKS, varint(p.dataBlockCount()));
    values.put(PROP_ENTRIES, varint(p.entryCount()));
    values.put(PROP_KEY_GROUP_MAX, varint(p.maxKeyGroup()));
    values.put(PROP_KEY_GROUP_MIN, varint(p.minKeyGroup()));
    values.put(PROP_LARGEST_KEY, p.largestKey());
    values.put(PROP_SMALLEST_KEY, p.smallestKey());
    values.put(PROP_RANGE_TOMBSTONES, varint(p.rangeTombstoneCount()));
    values.put(PROP_RAW_KEY_BYTES, varint(p.rawKeyBytes()));
    values.put(PROP_RAW_VALUE_BYTES, varint(p.rawValueBytes()));
    values.put(PROP_SEQ_MAX, varint(p.maxSeq()));
    values.put(PROP_SEQ_MIN, varint(p.minSeq()));
    values.put(PROP_TOMBSTONES, varint(p.tombstoneCount()));
    for (Map.Entry<String, byte[]> e : values.entrySet()) {
      byte[] name = e.getKey().getBytes(US_ASCII);
      out.add(name, name.length, e.getValue());
    }
  }

  /** The properties, with format version and file size still 0. */
  static SstProperties decode(Block block, Location location, long offset)
      throws SstCorruptionException {
    Map<String, byte[]> values = new HashMap<>();
    BlockCursor cursor = new BlockCursor(0).reset(block);
    for (cursor.seekToFirst(); cursor.valid(); cursor.next()) {
      values.put(new String(cursor.keyBuffer(), 0, cursor.keyLength(), US_ASCII), cursor.valueCopy());
    }
    Reader r = new Reader(values, location, offset);
    return new SstProperties(
        0,
        0,
        r.bytes(PROP_SMALLEST_KEY),
        r.bytes(PROP_LARGEST_KEY),
        r.number(PROP_ENTRIES),
        r.number(PROP_TOMBSTONES),
        r.number(PROP_RANGE_TOMBSTONES),
        r.keyGroup(PROP_KEY_GROUP_MIN),
        r.keyGroup(PROP_KEY_GROUP_MAX),
        r.number(PROP_SEQ_MIN),
        r.number(PROP_SEQ_MAX),
        r.number(PROP_DATA_BLOCKS),
        r.number(PROP_RAW_KEY_BYTES),
        r.number(PROP_RAW_VALUE_BYTES));
  }

  private static byte[] varint(long v) {
    ByteSink s = new ByteSink(Coding.MAX_VARINT64_BYTES);
    s.writeVarint(v);
    return s.toByteArray();
  }

  private record Reader(Map<String, byte[]> values, Location location, long offset) {

    byte[] bytes(String name) throws SstCorruptionException {
      byte[] v = values.get(name);
      if (v == null) {
        throw new SstCorruptionException(location, offset, "properties block: no " + name);
      }
      return v;
    }

    long number(String name) throws SstCorruptionException {
      byte[] v = bytes(name);
      ByteReader r = new ByteReader(v, 0, v.length, location, offset, "properties block: " + name);
      long n = r.varint64();
      r.expectEnd();
      if (n < 0) {
        throw r.corrupt("negative value " + n);
      }
      return n;
    }

    int keyGroup(String name) throws SstCorruptionException {
      long n = number(name);
      if (n > 0xFFFF) {
        throw new SstCorruptionException(
            location, offset, "properties block: " + name + " " + n + " is not a key group");
      }
      return (int) n;
    }
  }
}
