package io.aloft.cli;

import io.aloft.engine.checkpoint.InstanceCheckpoint;
import io.aloft.engine.lsm.block.BlockHandle;
import io.aloft.engine.lsm.blockcache.BlockCache;
import io.aloft.engine.lsm.key.RangeTombstone;
import io.aloft.engine.lsm.sst.BlockIndex;
import io.aloft.engine.lsm.sst.BloomFilter;
import io.aloft.engine.lsm.sst.Footer;
import io.aloft.engine.lsm.sst.SstIterator;
import io.aloft.engine.lsm.sst.SstProperties;
import io.aloft.engine.lsm.sst.SstReader;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aloft sst}: SST files. */
@Command(
    name = "sst",
    description = "Reads SST files (docs/format.md).",
    subcommands = SstCommand.Dump.class)
final class SstCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    return AloftCli.missingCommand(spec);
  }

  /** {@code aloft sst dump FILE}. */
  @Command(
      name = "dump",
      description = {
        "Prints an SST file: footer, properties, index, filter and entries, keys taken apart.",
        "Prints an SST file: footer, properties, index, Bloom filter, range tombstones and entries, each"
            + " key taken apart into key group, table (state), key, namespace and map user key"
            + " (docs/state-layout.md). Every block read is checked (checksum, structure): a damaged file"
            + " fails naming the offset."
      })
  static final class Dump implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", converter = Locations.class,
        description = "The SST file: a URI or a local path.")
    private Location file;

    @Option(names = "--from", paramLabel = "KEY",
        description = "Show entries from this stored key on: 0x… hex, or text with \\xNN escapes as printed.")
    private String from;

    @Option(names = "--to", paramLabel = "KEY",
        description = "Show entries below this stored key (exclusive).")
    private String to;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
        description = "Show at most N entries (default: ${DEFAULT-VALUE}; 0: none).")
    private long limit;

    @Option(names = "--all", description = "Show every entry (no --limit).")
    private boolean all;

    @Option(names = "--no-index", negatable = false, description = "Leave out the index (one line per data block).")
    private boolean noIndex;

    @Option(names = "--raw", description = "Show keys as stored, not taken apart (files of other trees than forst's).")
    private boolean raw;

    @Option(names = "--tables", paramLabel = "CHECKPOINT", converter = Locations.class,
        description = "A checkpoint directory (chk-<id>) or part (.meta) whose forst parts name the tables,"
            + " so that keys show their state and timer rows their time. Default: the parts of the"
            + " checkpoint root the file lies in (below shared/ or chk-<id>/files/) that list it.")
    private Location tables;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      byte[] fromKey = key(from, "--from");
      byte[] toKey = key(to, "--to");
      if (limit < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be 0 or more: " + limit);
      }
      try (Stores stores = AloftCli.of(spec).openStores()) {
        StateFileSystem fs = stores.of(file);
        StoredKeys keys = raw ? StoredKeys.raw()
            : tables != null ? tableNames(stores.of(tables), tables)
            : tablesOfRoot(fs, file);
        try (SstReader reader = SstReader.open(fs.newInputFile(file), 0, BlockCache.none())) {
          print(out, reader, keys, fromKey, toKey, all ? Long.MAX_VALUE : limit, !noIndex);
        }
      }
      return AloftCli.OK;
    }

    private byte[] key(String text, String option) {
      if (text == null) {
        return null;
      }
      try {
        return Text.parseKey(text);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
      }
    }

    /**
     * The tables named by the parts that list {@code file} in the checkpoint root it lies in, if it lies
     * in one ({@code <root>/shared/…} or {@code <root>/chk-<id>/files/…}); else tables by number.
     */
    private static StoredKeys tablesOfRoot(StateFileSystem fs, Location file) throws IOException {
      Location root = null;
      for (Location dir = file.parent(); !dir.path().equals("/"); dir = dir.parent()) {
        if (dir.fileName().equals("shared")
            || (dir.fileName().equals("files") && Checkpoints.idOf(dir.parent()).isPresent())) {
          root = dir.fileName().equals("shared") ? dir.parent() : dir.parent().parent();
          break;
        }
      }
      if (root == null) {
        return StoredKeys.unnamed();
      }
      List<InstanceCheckpoint> listing = new java.util.ArrayList<>();
      for (Checkpoints.Checkpoint c : Checkpoints.readRoot(fs, root).checkpoints().values()) {
        for (Checkpoints.Part p : c.parts()) {
          if (p.files(root).contains(file)) {
            listing.add(p.meta());
          }
        }
      }
      return StoredKeys.of(listing);
    }

    private static StoredKeys tableNames(StateFileSystem fs, Location where) throws IOException {
      if (where.fileName().endsWith(InstanceCheckpoint.SUFFIX)) {
        return StoredKeys.of(List.of(InstanceCheckpoint.read(fs, where)));
      }
      Checkpoints.Checkpoint c = Checkpoints.read(fs, where);
      return StoredKeys.of(c.parts().stream().map(Checkpoints.Part::meta).toList());
    }
  }

  static void print(
      PrintWriter out, SstReader reader, StoredKeys keys, byte[] from, byte[] to, long limit, boolean index)
      throws IOException {
    SstProperties p = reader.properties();
    Footer f = reader.footer();
    out.printf("SST file %s: %s bytes (%s), format version %d%n",
        reader.location(), Text.count(p.fileSize()), Text.size(p.fileSize()), p.formatVersion());

    out.println();
    out.println("footer");
    out.printf("  tail               offset %s, %s bytes (footer at %s)%n",
        Text.count(f.tailOffset()), Text.count(f.tailLength()), Text.count(f.footerOffset()));
    out.printf("  index block        %s%n", handle(f.index()));
    out.printf("  filter block       %s%n", handle(f.filter()));
    out.printf("  range tombstones   %s%n", handle(f.rangeTombstones()));
    out.printf("  properties block   %s%n", handle(f.properties()));

    out.println();
    out.println("properties");
    out.printf("  entries            %s (%s deletes)%n", Text.count(p.entryCount()), Text.count(p.tombstoneCount()));
    out.printf("  range tombstones   %s%n", Text.count(p.rangeTombstoneCount()));
    out.printf("  data blocks        %s%n", Text.count(p.dataBlockCount()));
    out.printf("  key groups         %d..%d%n", p.minKeyGroup(), p.maxKeyGroup());
    out.printf("  sequence numbers   %s..%s%n", Text.count(p.minSeq()), Text.count(p.maxSeq()));
    out.printf("  raw key bytes      %s%n", Text.count(p.rawKeyBytes()));
    out.printf("  raw value bytes    %s%n", Text.count(p.rawValueBytes()));
    out.printf("  smallest key       %s%n", keys.describe(p.smallestKey()));
    out.printf("  largest key        %s%n", keys.describe(p.largestKey()));
    out.printf("  tables             %s%n", keys.isRaw() ? "(keys shown as stored: --raw)"
        : keys.tableNames().isEmpty() ? "by number (no checkpoint part lists the file; --tables names them)"
        : keys.tableNames().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
            .collect(java.util.stream.Collectors.joining(", ")));

    out.println();
    BloomFilter filter = reader.filter().orElse(null);
    if (filter == null) {
      out.println("filter: none (every get reads the index)");
    } else {
      out.printf("filter: Bloom, %s, %s bytes (%s bits), %d probes per key%n",
          filter.isCacheLocal() ? "cache-local (64-byte lines)" : "whole-array",
          Text.count(filter.sizeInBytes()), Text.count(8L * filter.sizeInBytes()), filter.probes());
    }

    BlockIndex blocks = reader.index();
    if (index) {
      out.println();
      out.printf("index: %s data blocks%n", Text.count(blocks.count()));
      for (int i = 0; i < blocks.count(); i++) {
        out.printf("  block %-6d offset %-12s %8s bytes  up to %s%n",
            i, Text.count(blocks.offset(i)), Text.count(blocks.size(i)), keys.describe(blocks.separator(i)));
      }
    }

    List<RangeTombstone> tombstones = reader.rangeTombstones();
    if (!tombstones.isEmpty()) {
      out.println();
      out.printf("range tombstones: %s%n", Text.count(tombstones.size()));
      for (RangeTombstone t : tombstones) {
        out.printf("  seq %-10s [%s, %s)%n", Text.count(t.seq()), keys.describe(t.start()), keys.describe(t.end()));
      }
    }

    if (limit == 0) {
      return;
    }
    out.println();
    out.printf("entries%s%s%n",
        from == null ? "" : " from " + Text.bytes(from), to == null ? "" : " below " + Text.bytes(to));
    long shown = 0;
    boolean more = false;
    try (SstIterator it = reader.iterator()) {
      if (from == null) {
        it.seekToFirst();
      } else {
        it.seek(from);
      }
      for (; it.valid(); it.next()) {
        byte[] key = Arrays.copyOf(it.keyArray(), it.userKeyLength());
        if (to != null && Arrays.compareUnsigned(key, to) >= 0) {
          break;
        }
        if (shown == limit) {
          more = true;
          break;
        }
        out.printf("  %-6s seq %-9s %s%s%n",
            it.kind(), Text.count(it.seq()), keys.describe(key),
            it.kind() == io.aloft.engine.lsm.key.EntryKind.PUT
                ? " = " + Text.bytes(it.valueArray(), it.valueOffset(), it.valueLength())
                : "");
        shown++;
      }
    }
    out.printf("%s entries shown%s%n", Text.count(shown), more ? "; more follow (--limit N, --all)" : "");
  }

  private static String handle(BlockHandle h) {
    return h.isPresent() ? "offset " + Text.count(h.offset()) + ", " + Text.count(h.size()) + " bytes" : "(none)";
  }
}
