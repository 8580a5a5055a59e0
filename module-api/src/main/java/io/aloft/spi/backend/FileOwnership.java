package io.aloft.spi.backend;

/**
 * Who deletes the shared files a checkpoint names (the files a {@link SnapshotResult} lists): chosen
 * by the host that runs the backend, and passed in its {@link BackendContext}.
 */
public enum FileOwnership {
  /**
   * The backend (Aloft's own runtime): it deletes a file once no retained checkpoint and no live state
   * needs it. The default.
   */
  ALOFT,
  /**
   * The host, once a checkpoint names a file (Flink's checkpoint coordinator deletes shared state when
   * no retained checkpoint uses it). The backend never deletes a file it has listed in a snapshot, nor
   * a file it was restored from; it still deletes the files of its working state that no snapshot ever
   * listed, once they are obsolete.
   */
  HOST
}
