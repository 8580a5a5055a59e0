package io.aloft.spi.backend;

import io.aloft.spi.fs.Location;
import java.util.Objects;

/**
 * Asks a backend to make its state part of a checkpoint.
 *
 * @param checkpointId the checkpoint's id
 * @param checkpointRoot {@code execution.checkpointing.dir}: locations the backend records are relative
 *     to it, so a checkpoint can be restored by any instance
 * @param checkpointDir this checkpoint's own directory, {@code <root>/chk-<id>}: copies go here and are
 *     deleted with it
 * @param incremental whether files already inside the checkpoint root may be referenced instead of
 *     copied ({@code execution.checkpointing.incremental})
 */
public record SnapshotRequest(
    long checkpointId, Location checkpointRoot, Location checkpointDir, boolean incremental) {
  public SnapshotRequest {
    Objects.requireNonNull(checkpointRoot, "checkpointRoot");
    Objects.requireNonNull(checkpointDir, "checkpointDir");
  }
}
