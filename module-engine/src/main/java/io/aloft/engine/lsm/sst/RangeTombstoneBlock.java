package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.SstCorruptionException;

import io.aloft.engine.lsm.key.InternalKey;

import io.aloft.engine.lsm.block.Block;
import io.aloft.engine.lsm.block.BlockBuilder;
import io.aloft.engine.lsm.block.BlockCursor;
import io.aloft.engine.lsm.block.ByteReader;
import io.aloft.engine.lsm.block.ByteSink;
import io.aloft.engine.lsm.key.RangeTombstone;

import io.aloft.spi.fs.Location;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The range-tombstone block: a META block with one entry per tombstone, sorted by start ascending, then
 * seq descending, then end. The key is the start; the value is the seq as a varint, then the end.
 */
final class RangeTombstoneBlock {
  private RangeTombstoneBlock() {}

  /** Encodes {@code sorted}, which is in stored order. */
  static void encode(List<RangeTombstone> sorted, BlockBuilder out) {
    ByteSink value = new ByteSink(64);
    for (RangeTombstone t : sorted) {
      value.reset();
      value.writeVarint(t.seq());
      value.write(t.end());
      out.add(t.start(), t.start().length, value.toByteArray());
    }
  }

  static List<RangeTombstone> decode(Block block, Location location, long offset)
      throws SstCorruptionException {
    List<RangeTombstone> tombstones = new ArrayList<>();
    BlockCursor cursor = new BlockCursor(0).reset(block);
    for (cursor.seekToFirst(); cursor.valid(); cursor.next()) {
      int from = cursor.valueOffset();
      int to = from + cursor.valueLength();
      ByteReader r =
          new ByteReader(cursor.data(), from, to, location, offset, "range-tombstone block");
      long seq = r.varint64();
      byte[] start = cursor.keyCopy();
      byte[] end = Arrays.copyOfRange(cursor.data(), r.position(), to);
      if (seq < 0 || seq >= InternalKey.SEQ_LIMIT || Arrays.compareUnsigned(start, end) >= 0) {
        throw r.corrupt(
            "impossible tombstone [" + InternalKey.describe(start) + ", " + InternalKey.describe(end) + ")@" + seq);
      }
      tombstones.add(new RangeTombstone(start, end, seq));
    }
    return List.copyOf(tombstones);
  }
}
