package io.aloft.rocksdb;

import java.io.IOException;

/**
 * A {@code rocksdb} checkpoint part cannot be written or restored: its metadata is malformed or of
 * another version, or a file it lists is missing or has another size. The message names the part or
 * the file.
 */
final class RocksDbCheckpointException extends IOException {
  private static final long serialVersionUID = 1L;

  RocksDbCheckpointException(String message) {
    super(message);
  }

  RocksDbCheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
