package io.aloft.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.aloft.config.Config;
import io.aloft.engine.Aloft;
import io.aloft.engine.fs.LocalFileSystemProvider;
import io.aloft.engine.lsm.manifest.ManifestFile;
import io.aloft.engine.testkit.FileTrees;
import io.aloft.process.KeyedProcessor;
import io.aloft.serde.Serializers;
import io.aloft.spi.backend.KeyGroupRange;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded mutation fuzzer over the files a real job writes: checkpoint parts ({@code .meta}, with the
 * forst data inside), leases, holds, the tree's manifest, the hashmap backend's checkpoint file, and
 * SST files. Mutations are bit flips, truncations, range overwrites and length-field inflation, each
 * applied raw and with the file's checksum recomputed, so that damage reaches the decoders behind it.
 *
 * <p>The only outcomes allowed: the data is read, or a domain exception names the file. Nothing else
 * (no {@code RuntimeException}, no {@code OutOfMemoryError}, no hang) may escape. Iterations: {@code
 * -Daloft.test.fuzz-iterations=N} (default 4000 decodes and 60 restores); a failure prints its seed,
 * and {@code -Daloft.test.fuzz-seed=S} replays it.
 */
class FormatFuzzTest {
  @TempDir Path dir;

  private static final StateFileSystem LOCAL = new LocalFileSystemProvider().create("file", Config.empty());

  private static final int KEYS = 300;

  private Config forst(Path root, Path local) {
    return Config.empty()
        .with("state.backend.type", "forst")
        .with("execution.checkpointing.dir", root.toString())
        .with("state.backend.forst.local-dir", local.toString())
        .with("state.backend.forst.writebuffer.size", "64kb")
        .with("state.backend.forst.block.blocksize", "1kb");
  }

  private static KeyedProcessor<String, String, String> processor(
      Aloft aloft, String name, Location restore, List<String> out) {
    Aloft.ProcessorBuilder<String, String, String> b =
        aloft.keyedProcessor(new CountingFunction()).name(name).keySelector(CountingFunction.KEY)
            .keySerializer(Serializers.STRING).output(out::add);
    if (restore != null) {
      b.restoreFrom(restore);
    }
    return b.build();
  }

  /** One file to mutate and how to decode it. */
  private record Target(String kind, Path file, Decoder decoder, boolean checksummed) {}

  @FunctionalInterface
  private interface Decoder {
    void decode(Path file) throws IOException;
  }

  @Test
  void mutatedFilesAreReadOrRefusedNamingTheFileNeverAnythingElse() throws Exception {
    int iterations = Integer.getInteger("aloft.test.fuzz-iterations", 4000);
    long seed = Long.getLong("aloft.test.fuzz-seed", 20261204L);
    Path root = dir.resolve("root");
    Path local = dir.resolve("local");
    List<Target> targets = new ArrayList<>();
    Path manifestCopy = dir.resolve("manifest");
    try (Aloft aloft = Aloft.create(forst(root, local));
        KeyedProcessor<String, String, String> p = processor(aloft, "fz", null, new ArrayList<>())) {
      for (int round = 0; round < 3; round++) {
        for (int k = 0; k < KEYS; k++) {
          p.processElement("k" + k);
        }
        p.checkpoint(round + 1);
      }
      Path manifest = find(local, "MANIFEST");
      Files.createDirectories(manifestCopy);
      Files.copy(manifest, manifestCopy.resolve(ManifestFile.NAME));
    }
    Path part = root.resolve("chk-3").resolve("fz-0of1.meta");
    Path lease = find(root.resolve("instances"), "lease");
    Path hold = dir.resolve("holds").resolve("fz-0of1-" + java.util.UUID.randomUUID() + ".hold");
    Files.createDirectories(hold.getParent());
    new Hold("fz-0of1-" + java.util.UUID.randomUUID(), Location.of(root.toString()), 128, new KeyGroupRange(0, 127))
        .write(LOCAL, Location.of(hold.toString()));
    targets.add(new Target("part", part, f -> InstanceCheckpoint.read(LOCAL, Location.of(f.toString())), true));
    targets.add(new Target("lease", lease, f -> Lease.read(LOCAL, Location.of(f.toString())), true));
    targets.add(new Target("hold", hold, f -> Hold.read(LOCAL, Location.of(f.toString())), true));
    targets.add(
        new Target("manifest", manifestCopy.resolve(ManifestFile.NAME), f -> ManifestFile.read(f.getParent()), true));

    Random random = new Random(seed);
    assertTimeoutPreemptively(
        Duration.ofMinutes(5),
        () -> {
          for (int i = 0; i < iterations; i++) {
            long iterationSeed = random.nextLong();
            Target target = targets.get(i % targets.size());
            byte[] original = Files.readAllBytes(target.file());
            Random r = new Random(iterationSeed);
            byte[] damaged = mutate(original, r);
            boolean forge = r.nextBoolean();
            if (forge && target.checksummed() && damaged.length >= 4) {
              forgeChecksum(damaged);
            }
            Path file = dir.resolve("fuzz").resolve(target.kind()).resolve(target.file().getFileName());
            Files.createDirectories(file.getParent());
            Files.write(file, damaged);
            try {
              target.decoder().decode(file);
            } catch (IOException e) {
              assertThat(everything(e))
                  .as("seed %d, iteration %d (%s, %s; replay with -Daloft.test.fuzz-seed=%d): %s", seed, i,
                      target.kind(), forge ? "checksum forged" : "raw", seed, e)
                  .contains(file.getFileName().toString());
            } catch (Throwable t) {
              throw new AssertionError(
                  "seed " + seed + ", iteration " + i + " (replay with -Daloft.test.fuzz-seed=" + seed + "): a mutated "
                      + target.kind() + (forge ? " (checksum forged)" : "") + " escaped as " + t, t);
            }
          }
        });
  }

  @Test
  void restoresFromMutatedCheckpointsReadTheRightDataOrFailNamingAFile() throws Exception {
    int restores = Math.max(10, Integer.getInteger("aloft.test.fuzz-iterations", 4000) / 64);
    long seed = Long.getLong("aloft.test.fuzz-seed", 42L);
    for (String backend : List.of("forst", "hashmap")) {
      Path pristine = dir.resolve("pristine-" + backend);
      Config base =
          backend.equals("forst")
              ? forst(pristine.resolve("root"), dir.resolve("local-" + backend))
              : Config.empty()
                  .with("state.backend.type", "hashmap")
                  .with("execution.checkpointing.dir", pristine.resolve("root").toString());
      try (Aloft aloft = Aloft.create(base);
          KeyedProcessor<String, String, String> p = processor(aloft, "fz", null, new ArrayList<>())) {
        for (int k = 0; k < KEYS; k++) {
          p.processElement("k" + k);
          p.processElement("k" + k);
        }
        p.checkpoint(1);
      }
      List<Path> files = new ArrayList<>();
      try (Stream<Path> s = Files.walk(pristine.resolve("root"))) {
        s.filter(Files::isRegularFile).forEach(files::add);
      }
      Random random = new Random(seed);
      for (int i = 0; i < restores; i++) {
        long iterationSeed = random.nextLong();
        Random r = new Random(iterationSeed);
        Path copy = dir.resolve("restore-" + backend + "-" + i);
        FileTrees.copy(pristine, copy);
        Path victim = copy.resolve(pristine.relativize(files.get(r.nextInt(files.size()))));
        Files.write(victim, mutate(Files.readAllBytes(victim), r));
        Config config =
            base.with("execution.checkpointing.dir", copy.resolve("root").toString())
                .with("state.backend.forst.local-dir", dir.resolve("local-r-" + backend + "-" + i).toString());
        if (backend.equals("hashmap")) {
          config = Config.empty()
              .with("state.backend.type", "hashmap")
              .with("execution.checkpointing.dir", copy.resolve("root").toString());
        }
        List<String> out = new ArrayList<>();
        String what =
            "seed " + seed + ", restore " + i + " (" + backend + ", " + copy.relativize(victim)
                + "; replay with -Daloft.test.fuzz-seed=" + seed + ")";
        try (Aloft aloft = Aloft.create(config)) {
          try (KeyedProcessor<String, String, String> p =
              processor(aloft, "fz", Location.of(copy.resolve("root").resolve("chk-1").toString()), out)) {
            for (int k = 0; k < KEYS; k++) {
              p.processElement("?k" + k);
            }
            p.drain();
          }
          List<String> expected = new ArrayList<>();
          for (int k = 0; k < KEYS; k++) {
            expected.add("k" + k + "=2");
          }
          assertThat(out).as(what + ": restored without an error, so every key must read right").isEqualTo(expected);
        } catch (AssertionError e) {
          throw e;
        } catch (RuntimeException e) {
          // A refusal: it must say which file (or the checkpoint) is at fault.
          assertThat(everything(e))
              .as(what + ": " + e)
              .containsAnyOf(victim.getFileName().toString(), "chk-1");
          assertThat(e).as(what).isNotInstanceOfAny(NullPointerException.class, ArrayIndexOutOfBoundsException.class,
              ClassCastException.class, NegativeArraySizeException.class);
        } catch (OutOfMemoryError e) {
          throw new AssertionError(what + ": out of memory", e);
        }
      }
    }
  }

  /** One of: bit flips, truncation, a range overwrite, a length field inflated. */
  static byte[] mutate(byte[] original, Random r) {
    byte[] b = original.clone();
    if (b.length == 0) {
      return b;
    }
    switch (r.nextInt(4)) {
      case 0 -> {
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
          int at = r.nextInt(b.length);
          b[at] ^= (byte) (1 << r.nextInt(8));
        }
      }
      case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
      case 2 -> {
        int from = r.nextInt(b.length);
        int to = Math.min(b.length, from + 1 + r.nextInt(32));
        for (int i = from; i < to; i++) {
          b[i] = (byte) r.nextInt(256);
        }
      }
      default -> {
        // An int32 that might be a length or a count, made huge or negative.
        int at = r.nextInt(Math.max(1, b.length - 3));
        int value = r.nextBoolean() ? Integer.MAX_VALUE - r.nextInt(16) : -1 - r.nextInt(1 << 20);
        for (int i = 0; i < 4 && at + i < b.length; i++) {
          b[at + i] = (byte) (value >>> (24 - 8 * i));
        }
      }
    }
    return b;
  }

  /** Recomputes the CRC32C trailer of a metadata file (the last 4 bytes, over everything before). */
  static void forgeChecksum(byte[] b) {
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    int v = (int) crc.getValue();
    for (int i = 0; i < 4; i++) {
      b[b.length - 4 + i] = (byte) (v >>> (24 - 8 * i));
    }
  }

  static String everything(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  private static Path find(Path under, String name) throws IOException {
    try (Stream<Path> s = Files.walk(under)) {
      return s.filter(p -> p.getFileName().toString().equals(name)).findFirst()
          .orElseThrow(() -> new AssertionError("no " + name + " under " + under));
    }
  }
}
