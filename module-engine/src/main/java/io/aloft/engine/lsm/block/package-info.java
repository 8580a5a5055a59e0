/**
 * Block encoding (described in {@code docs/format.md}): prefix-compressed sorted entries with restart
 * points ({@link io.aloft.engine.lsm.block.BlockBuilder}, {@link io.aloft.engine.lsm.block.Block},
 * {@link io.aloft.engine.lsm.block.BlockCursor}), each stored compressed with a CRC32C trailer
 * ({@link io.aloft.engine.lsm.block.BlockCodec}, {@link io.aloft.engine.lsm.block.Compression}), and the
 * varint and fixed-width coding under them. Knows nothing of files: the SST format places blocks.
 */
package io.aloft.engine.lsm.block;
