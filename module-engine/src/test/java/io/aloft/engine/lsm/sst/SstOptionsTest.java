package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.Compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Options and compression names. */
class SstOptionsTest {

  @Test
  void defaultsAreFourKiBBlocksSixteenRestartsTenBitsLz4() {
    assertThat(SstOptions.defaults()).isEqualTo(new SstOptions(4096, 16, 10, Compression.LZ4));
  }

  @Test
  void compressionParsesNamesInAnyCase() {
    assertThat(Compression.parse("none")).isEqualTo(Compression.NONE);
    assertThat(Compression.parse("LZ4")).isEqualTo(Compression.LZ4);
    assertThat(Compression.parse("Zstd")).isEqualTo(Compression.ZSTD);
  }

  @Test
  void unknownCompressionNamesTheValue() {
    assertThatThrownBy(() -> Compression.parse("snappy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'snappy'")
        .hasMessageContaining("none, lz4, zstd");
  }

  @Test
  void impossibleOptionsAreRejectedNamingTheArgument() {
    assertThatThrownBy(() -> new SstOptions(0, 16, 10, Compression.LZ4)).hasMessageContaining("blockSize");
    assertThatThrownBy(() -> new SstOptions(4096, 0, 10, Compression.LZ4)).hasMessageContaining("restartInterval");
    assertThatThrownBy(() -> new SstOptions(4096, 16, -1, Compression.LZ4)).hasMessageContaining("bloomBitsPerKey");
    assertThatThrownBy(() -> new SstOptions(4096, 16, 10, null)).hasMessageContaining("compression");
  }

  @Test
  void separatorIsShortAndBetweenTheBlocks() {
    byte[] a = SstFiles.bytes(0, 1, 'a', 'b', 'c', 'd');
    byte[] b = SstFiles.bytes(0, 1, 'a', 'x', 'y');
    assertThat(BlockIndex.separator(a, a.length, b, b.length)).isEqualTo(SstFiles.bytes(0, 1, 'a', 'c'));
    // No shorter key fits: the last key itself.
    byte[] c = SstFiles.bytes(0, 1, 'a', 'c');
    assertThat(BlockIndex.separator(a, a.length, c, c.length)).isEqualTo(a);
    // A prefix, or the same key in both blocks.
    byte[] prefix = SstFiles.bytes(0, 1, 'a');
    assertThat(BlockIndex.separator(prefix, prefix.length, a, a.length)).isEqualTo(prefix);
    assertThat(BlockIndex.separator(a, a.length, a, a.length)).isEqualTo(a);
  }
}
