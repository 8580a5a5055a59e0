package io.aloft.engine.lsm.sst;

import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.lsm.block.Block;
import io.aloft.engine.lsm.block.BlockBuilder;
import io.aloft.engine.lsm.block.BlockCodec;
import io.aloft.engine.lsm.block.BlockHandle;
import io.aloft.engine.lsm.block.ByteSink;
import io.aloft.engine.lsm.block.SstCorruptionException;
import io.aloft.spi.fs.Location;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BlockIndex#find} is the first separator at least the key, whatever the separators share: the
 * search compares 16-byte prefixes first and whole separators only among equal prefixes, so separators
 * that share their first 8 or 16 bytes, are shorter than 8 or 16 bytes, or differ from a key only by
 * trailing zero bytes (equal zero-padded prefixes) must all still land where a plain comparison does.
 */
class BlockIndexTest {

  private static final Location LOCATION = Location.of("/index-test.sst");

  @ParameterizedTest(name = "{0} separators")
  @ValueSource(ints = {0, 1, 2, 3, 7, 8, 9, 100, 1000, 4097})
  void findsTheFirstSeparatorAtLeastTheKeyLikeALinearScan(int count) throws SstCorruptionException {
    Random random = new Random(count);
    List<byte[]> separators = randomSortedKeys(random, count);
    BlockIndex index = indexOf(separators);
    assertThat(index.count()).isEqualTo(separators.size());

    List<byte[]> probes = new ArrayList<>(separators);
    probes.addAll(randomSortedKeys(random, 2 * count + 20));
    for (byte[] separator : separators) { // neighbours: one byte more, one less, the last byte +-1
      probes.add(Arrays.copyOf(separator, separator.length + 1));
      if (separator.length > 0) {
        probes.add(Arrays.copyOf(separator, separator.length - 1));
        byte[] up = separator.clone();
        up[up.length - 1]++;
        probes.add(up);
      }
    }
    for (byte[] probe : probes) {
      assertThat(index.find(probe)).as("key %s", Arrays.toString(probe)).isEqualTo(linearFind(separators, probe));
    }
  }

  private static int linearFind(List<byte[]> separators, byte[] key) {
    for (int i = 0; i < separators.size(); i++) {
      if (Arrays.compareUnsigned(separators.get(i), key) >= 0) {
        return i;
      }
    }
    return separators.size();
  }

  /**
   * Keys of 0 to 28 bytes over a small alphabet with zero bytes, most of them sharing one of a few
   * 8-byte prefixes and many one of a few 16-byte prefixes, as the keys of one state do.
   */
  private static List<byte[]> randomSortedKeys(Random random, int count) {
    byte[][] prefixes = new byte[4][];
    for (int i = 0; i < prefixes.length; i++) {
      prefixes[i] = new byte[16];
      for (int j = 0; j < 16; j++) {
        prefixes[i][j] = (byte) (random.nextInt(3) * 0x7F); // 0x00, 0x7F, 0xFE
      }
    }
    TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
    while (keys.size() < count) {
      byte[] key;
      if (random.nextInt(4) == 0) {
        key = new byte[random.nextInt(12)];
        for (int j = 0; j < key.length; j++) {
          key[j] = (byte) (random.nextInt(3) * 0x7F);
        }
      } else {
        byte[] prefix = prefixes[random.nextInt(prefixes.length)];
        key = Arrays.copyOf(prefix, 8 + random.nextInt(21));
        boolean sharesSixteen = random.nextBoolean();
        for (int j = sharesSixteen ? 16 : 8; j < key.length; j++) {
          key[j] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (random.nextInt(3) * 0x7F);
        }
      }
      keys.add(key);
    }
    return new ArrayList<>(keys);
  }

  /** The index of a file whose data blocks are all 100 bytes, with these separators. */
  private static BlockIndex indexOf(List<byte[]> separators) throws SstCorruptionException {
    BlockBuilder builder = new BlockBuilder(1, 64);
    ByteSink handle = new ByteSink(16);
    long offset = 0;
    for (byte[] separator : separators) {
      BlockIndex.encodeHandle(new BlockHandle(offset, 100), handle);
      builder.add(separator, separator.length, handle.toByteArray());
      offset += 100 + BlockCodec.BLOCK_TRAILER;
    }
    ByteSink content = builder.finish();
    Block block = Block.parse(content.toByteArray(), content.size(), Block.Type.META, LOCATION, offset);
    return BlockIndex.decode(block, offset, LOCATION, offset);
  }
}
