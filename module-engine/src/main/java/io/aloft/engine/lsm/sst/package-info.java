/**
 * The SST file format of the LSM engine: {@link io.aloft.engine.lsm.sst.SstWriter} writes a file once,
 * {@link io.aloft.engine.lsm.sst.SstReader} reads it with positional reads through the storage SPI,
 * and a shared {@link io.aloft.engine.lsm.sst.BlockCache} keeps decoded data blocks.
 *
 * <p>The format, version 1, is described byte by byte in {@code docs/format.md}; the constants are in
 * {@code SstFormat} and {@code Footer}. Files written by every released version are kept as golden files
 * under {@code src/test/resources/sst/} and read by the tests.
 */
package io.aloft.engine.lsm.sst;
