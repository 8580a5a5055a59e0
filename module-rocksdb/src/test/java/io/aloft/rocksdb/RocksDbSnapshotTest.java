package io.aloft.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checkpoint metadata format of the {@code rocksdb} backend, version 1. */
class RocksDbSnapshotTest {
  static final RocksDbSnapshot SNAPSHOT =
      new RocksDbSnapshot(
          List.of("default", "sum"),
          List.of(
              new RocksDbSnapshot.DbFile("000012.sst", "shared/a-0of1/r/000012.sst", 1234),
              new RocksDbSnapshot.DbFile("CURRENT", "chk-3/a-0of1/r/CURRENT", 16)));

  /** {@link #SNAPSHOT} as version 1 writes it; written independently of the code under test. */
  static final byte[] VERSION_1 =
      HexFormat.of()
          .parseHex(
              "00000001" + "00000002" + "0007" + "64656661756c74" + "0003" + "73756d"
                  + "00000002"
                  + "000a" + "3030303031322e737374"
                  + "001a" + "7368617265642f612d306f66312f722f3030303031322e737374"
                  + "00000000000004d2"
                  + "0007" + "43555252454e54"
                  + "0016" + "63686b2d332f612d306f66312f722f43555252454e54"
                  + "0000000000000010");

  @Test
  void version1BytesDecodeToTheSnapshotTheyDescribe() throws Exception {
    assertThat(RocksDbSnapshot.decode(VERSION_1, "test")).isEqualTo(SNAPSHOT);
  }

  @Test
  void encodingWritesVersion1() {
    assertThat(SNAPSHOT.encode()).isEqualTo(VERSION_1);
  }

  @Test
  void anotherVersionIsAClearError() {
    byte[] data = VERSION_1.clone();
    data[3] = 2;
    assertThatThrownBy(() -> RocksDbSnapshot.decode(data, "the part of key groups [0, 127]"))
        .isInstanceOf(RocksDbCheckpointException.class)
        .hasMessageContaining("[0, 127]")
        .hasMessageContaining("format version 2; this build reads 1");
  }

  @Test
  void truncatedDataIsAClearError() {
    byte[] data = Arrays.copyOf(VERSION_1, VERSION_1.length - 3);
    assertThatThrownBy(() -> RocksDbSnapshot.decode(data, "part"))
        .isInstanceOf(RocksDbCheckpointException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void aFileNameThatWouldLeaveTheDatabaseDirectoryIsRejected() {
    byte[] data =
        new RocksDbSnapshot(
                List.of("default"), List.of(new RocksDbSnapshot.DbFile("../x.sst", "shared/x.sst", 1)))
            .encode();
    assertThatThrownBy(() -> RocksDbSnapshot.decode(data, "part"))
        .isInstanceOf(RocksDbCheckpointException.class)
        .hasMessageContaining("invalid file");
  }
}
