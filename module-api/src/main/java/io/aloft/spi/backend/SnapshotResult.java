package io.aloft.spi.backend;

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
 */
public record SnapshotResult(
    byte[] metadata, long filesReferenced, long filesCopied, long bytesCopied, long bytesWritten) {
  public SnapshotResult {
    Objects.requireNonNull(metadata, "metadata");
  }
}
