package io.aloft.rocksdb;

import io.aloft.spi.backend.BackendContext;
import io.aloft.spi.backend.KeyedStateBackend;
import io.aloft.spi.backend.StateBackendFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.rocksdb.RocksDB;

/**
 * {@code state.backend.type: rocksdb}: keyed state in a RocksDB on local disk, one instance per
 * processor instance, one column family per state. Access is synchronous; the engine completes the
 * async API at once.
 *
 * <p>The database lives in {@code <java.io.tmpdir>/aloft-rocksdb/<instance name>-<uuid>} and is
 * deleted when the backend closes: it is a working copy, and checkpoints (uploaded to {@code
 * execution.checkpointing.dir}) are the durable state. A restore downloads a checkpoint into a new
 * working directory.
 */
public final class RocksDbStateBackendFactory implements StateBackendFactory {

  @Override
  public String type() {
    return "rocksdb";
  }

  @Override
  public KeyedStateBackend create(BackendContext context) throws IOException {
    RocksDB.loadLibrary();
    Path dir =
        Path.of(System.getProperty("java.io.tmpdir"), "aloft-rocksdb")
            .resolve(context.instanceName() + "-" + UUID.randomUUID());
    Files.createDirectories(dir);
    return RocksDbKeyedStateBackend.open(dir, context);
  }
}
