package io.aloft.engine.checkpoint;

import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;

/**
 * A hold a run wrote ({@code marker}, {@code chk-<id>/<run>.hold}) on the checkpoint it was restored
 * from in another root, {@code otherRoot}; {@code fs} serves that root.
 */
record HeldCheckpoint(StateFileSystem fs, Location marker, Location otherRoot) {}
