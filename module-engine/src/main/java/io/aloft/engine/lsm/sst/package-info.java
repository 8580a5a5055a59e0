/**
 * The SST file format of the LSM engine: {@link io.aloft.engine.lsm.sst.SstWriter} writes a file once,
 * {@link io.aloft.engine.lsm.sst.SstReader} reads it with positional reads through the storage SPI, its
 * data blocks through a {@link io.aloft.engine.lsm.blockcache.BlockCache}. The blocks themselves are
 * encoded by {@code io.aloft.engine.lsm.block}; the keys they hold are {@code io.aloft.engine.lsm.key}'s.
 *
 * <p>The format, version 1, is described byte by byte in {@code docs/format.md}; the file-level
 * constants are in {@code SstFormat} and {@code Footer}. Files written by every released version are
 * kept as golden files under {@code src/test/resources/sst/} and read by the tests.
 */
package io.aloft.engine.lsm.sst;
