package io.aloft.spi.backend;

import io.aloft.spi.fs.Location;
import java.util.Objects;

/**
 * The part of a checkpoint written by one instance of an earlier run, handed to a backend that restores
 * it. After a rescale an instance receives every earlier part whose key groups overlap its own, and
 * must ignore keys outside its range.
 *
 * @param keyGroupRange the key groups the earlier instance owned
 * @param metadata what that instance's backend returned in {@link SnapshotResult#metadata()}
 * @param checkpointRoot the checkpoint root its relative locations refer to
 */
public record RestoredInstance(KeyGroupRange keyGroupRange, byte[] metadata, Location checkpointRoot) {
  public RestoredInstance {
    Objects.requireNonNull(keyGroupRange, "keyGroupRange");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(checkpointRoot, "checkpointRoot");
  }
}
