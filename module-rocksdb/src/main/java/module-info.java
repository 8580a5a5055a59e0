/**
 * The {@code rocksdb} state backend: keyed state in a local RocksDB (rocksdbjni), one column family
 * per state, with synchronous access. Exports nothing; the engine finds the backend through
 * {@link io.aloft.spi.backend.StateBackendFactory} when {@code state.backend.type: rocksdb}.
 */
module io.aloft.rocksdb {
  requires io.aloft.api;
  requires rocksdbjni;

  provides io.aloft.spi.backend.StateBackendFactory with
      io.aloft.rocksdb.RocksDbStateBackendFactory;
}
