package io.aloft.engine.lsm.sst;

import io.aloft.engine.lsm.block.Compression;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.Entry;
import io.aloft.engine.lsm.key.EntryKind;
import io.aloft.engine.lsm.key.RangeTombstone;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.aloft.engine.lsm.sst.SstFiles.Written;
import io.aloft.spi.fs.Location;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by every released format version stay readable: {@code
 * src/test/resources/sst/v<N>/<name>.sst} were written by {@link SstWriter} of version N and {@code
 * <name>.txt} beside each lists what it holds. Never rewrite them; a new format version adds a new
 * directory, and the reader keeps reading the old ones.
 *
 * <p>To write the files of a new version: {@code -Dsst.golden.write=<directory>} runs
 * {@link #writeGoldenFiles}.
 */
class SstGoldenFileTest {

  private static final HexFormat HEX = HexFormat.of();

  /** The parsed {@code .txt}: the options used, the contents, the properties. */
  private record Golden(SstOptions options, List<Entry> entries, List<RangeTombstone> tombstones,
      Map<String, String> properties) {}

  @ParameterizedTest
  @ValueSource(strings = {"v1/none", "v1/lz4", "v1/zstd", "v2/none", "v2/lz4", "v2/zstd"})
  void everyReleasedVersionsFilesReadAsRecorded(String name) throws IOException, URISyntaxException {
    Path sst = resource("sst/" + name + ".sst");
    Golden golden = parse(Files.readString(resource("sst/" + name + ".txt"), UTF_8));

    try (SstReader reader = SstReader.open(SstFiles.LOCAL.newInputFile(Location.of(sst.toString())), 1,
        BlockCache.clock(1 << 20))) {
      assertThat(SstFiles.readAll(reader)).containsExactlyElementsOf(golden.entries());
      assertThat(reader.rangeTombstones()).containsExactlyElementsOf(golden.tombstones());
      for (Entry newest : SstFiles.newestPerKey(golden.entries())) {
        assertThat(reader.get(newest.userKey())).isEqualTo(newest);
      }
      assertThat(describe(reader.properties())).isEqualTo(golden.properties());
    }
  }

  @Test
  void writerStillWritesTheCurrentVersionByteForByte(@TempDir Path dir) throws IOException, URISyntaxException {
    // Uncompressed output depends only on this code; codec output may change with codec versions.
    Golden golden = parse(Files.readString(resource("sst/v" + SstFormat.FORMAT_VERSION + "/none.txt"), UTF_8));
    Written written = new SstFiles(dir).write(golden.options(), golden.entries(), golden.tombstones());

    assertThat(Files.readAllBytes(Path.of(written.location().path())))
        .as("the writer's output changed: if that is intended, it needs a new format version")
        .isEqualTo(Files.readAllBytes(resource("sst/v" + SstFormat.FORMAT_VERSION + "/none.sst")));
  }

  @Test
  @EnabledIfSystemProperty(named = "sst.golden.write", matches = ".+")
  void writeGoldenFiles(@TempDir Path dir) throws IOException {
    Path target = Path.of(System.getProperty("sst.golden.write"));
    Files.createDirectories(target);
    for (Compression compression : Compression.values()) {
      SstOptions options = new SstOptions(64, 2, 10, compression);
      Written written = new SstFiles(dir).write(options, goldenEntries(), goldenTombstones());
      String name = compression.name().toLowerCase(java.util.Locale.ROOT);
      Files.copy(Path.of(written.location().path()), target.resolve(name + ".sst"));
      Files.writeString(target.resolve(name + ".txt"), format(name, options, written.properties()), UTF_8);
    }
  }

  private static List<Entry> goldenEntries() {
    byte[] big = new byte[100];
    java.util.Arrays.fill(big, (byte) 'x');
    return List.of(
        Entry.put(SstFiles.bytes(0, 0), 7, SstFiles.bytes('a')),
        Entry.put(SstFiles.bytes(0, 1, 's', 't', 'a', 't', 'e', 1), 30, SstFiles.bytes('v', '3')),
        Entry.put(SstFiles.bytes(0, 1, 's', 't', 'a', 't', 'e', 1), 20, SstFiles.bytes('v', '2')),
        Entry.delete(SstFiles.bytes(0, 1, 's', 't', 'a', 't', 'e', 1), 10),
        Entry.put(SstFiles.bytes(0, 1, 's', 't', 'a', 't', 'e', 2), 11, new byte[0]),
        Entry.put(SstFiles.bytes(0, 1, 's', 't', 'a', 't', 'e', 2, 0), 12, big),
        Entry.delete(SstFiles.bytes(0, 1, 's', 't', 'a', 't', 'e', 3), 13),
        Entry.put(SstFiles.bytes(0, 1, 's', 't', 'a', 't', 'e', 4), 14, SstFiles.bytes(0xFF, 0)),
        Entry.put(SstFiles.bytes(0x7F, 0xFF, 0x80), (1L << 56) - 1, SstFiles.bytes('z')));
  }

  private static List<RangeTombstone> goldenTombstones() {
    return List.of(
        new RangeTombstone(SstFiles.bytes(0, 1, 's', 't', 'a', 't', 'e', 3), SstFiles.bytes(0, 1, 's', 't', 'a', 't', 'e', 4), 40),
        new RangeTombstone(SstFiles.bytes(0, 0), SstFiles.bytes(0, 1), 5));
  }

  private static String format(String name, SstOptions options, SstProperties properties) {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(name).append(".sst: SST format version ").append(SstFormat.FORMAT_VERSION)
        .append(", written by SstWriter. What it holds, for\n")
        .append("# SstGoldenFileTest. Never rewrite a released version's files.\n");
    s.append("options ").append(options.blockSize()).append(' ').append(options.restartInterval()).append(' ')
        .append(options.bloomBitsPerKey()).append(' ').append(options.compression()).append('\n');
    for (Entry e : goldenEntries()) {
      s.append(e.kind() == EntryKind.PUT ? "put " : "delete ").append(hex(e.userKey())).append(' ').append(e.seq());
      if (e.kind() == EntryKind.PUT) {
        s.append(' ').append(hex(e.value()));
      }
      s.append('\n');
    }
    List<RangeTombstone> stored = new ArrayList<>(goldenTombstones());
    stored.sort(RangeTombstone::compareStored);
    for (RangeTombstone t : stored) {
      s.append("range ").append(hex(t.start())).append(' ').append(hex(t.end())).append(' ').append(t.seq()).append('\n');
    }
    describe(properties).forEach((k, v) -> s.append("property ").append(k).append(' ').append(v).append('\n'));
    return s.toString();
  }

  private static Golden parse(String text) {
    SstOptions options = null;
    List<Entry> entries = new ArrayList<>();
    List<RangeTombstone> tombstones = new ArrayList<>();
    Map<String, String> properties = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.trim().split(" ");
      switch (f[0]) {
        case "options" -> options = new SstOptions(
            Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), Compression.parse(f[4]));
        case "put" -> entries.add(Entry.put(unhex(f[1]), Long.parseLong(f[2]), unhex(f[3])));
        case "delete" -> entries.add(Entry.delete(unhex(f[1]), Long.parseLong(f[2])));
        case "range" -> tombstones.add(new RangeTombstone(unhex(f[1]), unhex(f[2]), Long.parseLong(f[3])));
        case "property" -> properties.put(f[1], f[2]);
        default -> throw new IllegalArgumentException("unknown line: " + line);
      }
    }
    return new Golden(options, entries, tombstones, properties);
  }

  /** Every property as text, in declaration order. */
  private static Map<String, String> describe(SstProperties p) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("formatVersion", "" + p.formatVersion());
    m.put("fileSize", "" + p.fileSize());
    m.put("smallestKey", hex(p.smallestKey()));
    m.put("largestKey", hex(p.largestKey()));
    m.put("entryCount", "" + p.entryCount());
    m.put("tombstoneCount", "" + p.tombstoneCount());
    m.put("rangeTombstoneCount", "" + p.rangeTombstoneCount());
    m.put("minKeyGroup", "" + p.minKeyGroup());
    m.put("maxKeyGroup", "" + p.maxKeyGroup());
    m.put("minSeq", "" + p.minSeq());
    m.put("maxSeq", "" + p.maxSeq());
    m.put("dataBlockCount", "" + p.dataBlockCount());
    m.put("rawKeyBytes", "" + p.rawKeyBytes());
    m.put("rawValueBytes", "" + p.rawValueBytes());
    return m;
  }

  /** Hex, with {@code -} for no bytes so that every field of a line is non-empty. */
  private static String hex(byte[] b) {
    return b.length == 0 ? "-" : HEX.formatHex(b);
  }

  private static byte[] unhex(String s) {
    return s.equals("-") ? new byte[0] : HEX.parseHex(s);
  }

  private static Path resource(String name) throws URISyntaxException {
    URL url = SstGoldenFileTest.class.getClassLoader().getResource(name);
    assertThat(url).as("test resource %s", name).isNotNull();
    return Path.of(url.toURI());
  }
}
