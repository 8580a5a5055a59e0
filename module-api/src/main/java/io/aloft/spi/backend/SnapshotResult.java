package io.aloft.spi.backend;

import java.util.List;
import java.util.Objects;

/**
 * What a backend contributed to a checkpoint.
 *
 * @param metadata the backend's own description of its part (for {@code forst}: the file list by level
 *     and the table ids), stored in the checkpoint and handed back on restore
 * @param filesReferenced files listed without copying
 * @param filesCopied files copied into the checkpoint directory
 * @param bytesCopied bytes of those copies
 * @param bytesWritten every byte the snapshot wrote (flushes and copies)
 * @param files every file in checkpoint storage the part needs, as a path relative to the checkpoint
 *     root: recorded in the checkpoint so that files shared between instances (after a restore or a
 *     rescale) are deleted only when no retained checkpoint and no live instance lists them. Empty
 *     when the backend keeps all of its part inside the checkpoint's metadata.
 */
public record SnapshotResult(
    byte[] metadata,
    long filesReferenced,
    long filesCopied,
    long bytesCopied,
    long bytesWritten,
    List<String> files) {
  public SnapshotResult {
    Objects.requireNonNull(metadata, "metadata");
    files = List.copyOf(files);
  }
}
