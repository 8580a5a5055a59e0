package io.aloft.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aloft.config.Config;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint root's metadata formats as {@code docs/checkpoints.md} describes them: parts (version
 * 2, and version 1 still read) and leases round-trip, and a damaged or foreign file is refused with an
 * error naming it.
 */
class CheckpointFormatsTest {
  @TempDir Path dir;

  private final StateFileSystem fs = new LocalFileSystemProvider().create("file", Config.empty());

  private Location at(String name) {
    return Location.of(dir.resolve(name).toString());
  }

  private static InstanceCheckpoint part() {
    return new InstanceCheckpoint(
        7,
        128,
        new KeyGroupRange(0, 63),
        "forst",
        "sums-0of2",
        "sums-0of2-5f0c",
        Map.of("sum", "VALUE [long v1]"),
        List.of(new InstanceCheckpoint.Timer(1000, 3, new byte[] {1, 2})),
        List.of("shared/sums-0of2/a-1.sst", "chk-7/files/b-2.sst"),
        new byte[] {9, 8, 7},
        InstanceCheckpoint.NO_POSITION);
  }

  @Test
  void aPartRoundTrips() throws IOException {
    InstanceCheckpoint written = part();
    written.write(fs, at("chk-7"));
    InstanceCheckpoint read = InstanceCheckpoint.read(fs, at("chk-7/sums-0of2.meta"));
    assertThat(read.incarnation()).isEqualTo("sums-0of2-5f0c");
    assertThat(read.files()).containsExactly("shared/sums-0of2/a-1.sst", "chk-7/files/b-2.sst");
    assertThat(read.keyGroupRange()).isEqualTo(new KeyGroupRange(0, 63));
    assertThat(read.stateFormats()).isEqualTo(written.stateFormats());
    assertThat(read.timers()).singleElement().satisfies(t -> assertThat(t.keyBytes()).containsExactly(1, 2));
    assertThat(read.backendMetadata()).containsExactly(9, 8, 7);
    assertThat(read.inputPosition()).isEqualTo(InstanceCheckpoint.NO_POSITION);
  }

  @Test
  void aPartKeepsTheInputPositionItWasGiven() throws IOException {
    InstanceCheckpoint p = part();
    new InstanceCheckpoint(
            p.checkpointId(), p.maxParallelism(), p.keyGroupRange(), p.backendType(), p.instanceName(),
            p.incarnation(), p.stateFormats(), p.timers(), p.files(), p.backendMetadata(), 42_000L)
        .write(fs, at("chk-7"));
    assertThat(InstanceCheckpoint.read(fs, at("chk-7/sums-0of2.meta")).inputPosition()).isEqualTo(42_000L);
  }

  @Test
  void aVersionOnePartIsReadWithoutIncarnationOrFiles() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(InstanceCheckpoint.MAGIC);
    out.writeInt(1);
    out.writeLong(3);
    out.writeInt(128);
    out.writeInt(0);
    out.writeInt(127);
    out.writeUTF("hashmap");
    out.writeUTF("sums-0of1");
    out.writeInt(0); // states
    out.writeInt(0); // timers
    out.writeInt(2); // backend metadata
    out.write(new byte[] {4, 2});
    writeSealed(dir.resolve("v1.meta"), bytes.toByteArray());

    InstanceCheckpoint read = InstanceCheckpoint.read(fs, at("v1.meta"));
    assertThat(read.checkpointId()).isEqualTo(3);
    assertThat(read.incarnation()).isEmpty();
    assertThat(read.files()).isEmpty();
    assertThat(read.backendMetadata()).containsExactly(4, 2);
  }

  @Test
  void aLeaseRoundTrips() throws IOException {
    TreeMap<Long, List<String>> retained = new TreeMap<>();
    retained.put(5L, List.of("chk-5/sums-0of2.meta", "chk-5/sums-1of2.meta"));
    retained.put(6L, List.of("chk-6/sums-0of1.meta"));
    Lease lease =
        new Lease("sums-0of1-ab", "sums-0of1", 128, new KeyGroupRange(0, 127), retained,
            Set.of("shared/sums-0of2/x-1.sst"));
    lease.write(fs, at("lease"));
    Lease read = Lease.read(fs, at("lease"));
    assertThat(read).usingRecursiveComparison().isEqualTo(lease);
    assertThat(read.retainedParts()).hasSize(3);
  }

  @Test
  void aHoldRoundTripsWithAndWithoutARootOfItsOwn() throws IOException {
    Hold hold = new Hold("sums-1of2-ab", Location.of("s3://bucket/job"), 128, new KeyGroupRange(64, 127));
    hold.write(fs, at("chk-3/sums-1of2-ab.hold"));
    assertThat(Hold.read(fs, at("chk-3/sums-1of2-ab.hold"))).isEqualTo(hold);
    Hold rootless = new Hold("sums-0of1-cd", null, 128, new KeyGroupRange(0, 127));
    rootless.write(fs, at("chk-3/sums-0of1-cd.hold"));
    assertThat(Hold.read(fs, at("chk-3/sums-0of1-cd.hold"))).isEqualTo(rootless);

    flipOneBit(dir.resolve("chk-3/sums-1of2-ab.hold"));
    assertThatThrownBy(() -> Hold.read(fs, at("chk-3/sums-1of2-ab.hold")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("hold file://" + dir.resolve("chk-3/sums-1of2-ab.hold"))
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void aDamagedPartOrLeaseIsRefusedNamingTheFile() throws IOException {
    part().write(fs, at("chk-7"));
    Path partFile = dir.resolve("chk-7/sums-0of2.meta");
    flipOneBit(partFile);
    assertThatThrownBy(() -> InstanceCheckpoint.read(fs, at("chk-7/sums-0of2.meta")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(partFile.toString())
        .hasMessageContaining("checksum mismatch");

    new Lease("r", "sums-0of1", 128, new KeyGroupRange(0, 127), new TreeMap<>(), Set.of())
        .write(fs, at("lease"));
    flipOneBit(dir.resolve("lease"));
    assertThatThrownBy(() -> Lease.read(fs, at("lease")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("lease file://" + dir.resolve("lease"))
        .hasMessageContaining("checksum mismatch");

    Files.write(dir.resolve("short"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Lease.read(fs, at("short")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void aPartOfAnUnknownVersionSaysWhichVersionsThisBuildReads() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(InstanceCheckpoint.MAGIC);
    out.writeInt(9);
    writeSealed(dir.resolve("v9.meta"), bytes.toByteArray());
    assertThatThrownBy(() -> InstanceCheckpoint.read(fs, at("v9.meta")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("format version 9; this build reads 1 to 3");
  }

  private static void writeSealed(Path file, byte[] body) throws IOException {
    CRC32C crc = new CRC32C();
    crc.update(body);
    Files.write(file, ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array());
  }

  private static void flipOneBit(Path file) throws IOException {
    byte[] data = Files.readAllBytes(file);
    data[data.length / 2] ^= 0x10;
    Files.write(file, data);
  }
}
