package io.aloft.fs.hdfs.blackbox;

import io.aloft.config.Config;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds the {@code hdfs://} provider with {@link ServiceLoader}, writes a file through it, reads it
 * back and reports what it saw, one fact per line. Runs on the module path or on the class path alike.
 *
 * <p>Argument: the directory to write in, e.g. {@code hdfs://127.0.0.1:41234/blackbox}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    FileSystemProvider hdfs =
        ServiceLoader.load(FileSystemProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.schemes().contains("hdfs"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no storage provider serves hdfs://"));
    System.out.println("provider " + hdfs.getClass().getName() + " in " + describe(hdfs.getClass().getModule()));

    Config config =
        Config.of(Map.of("dfs.replication", "1", "ipc.client.connect.max.retries", "1"));
    byte[] content = "written through the HDFS provider".getBytes(StandardCharsets.UTF_8);
    Location file = Location.of(args[0]).resolve("hello.txt");
    try (StateFileSystem fs = hdfs.create("hdfs", config)) {
      FileOutput out = fs.newOutputFile(file).createExclusive();
      out.write(content);
      out.close();
      // The Hadoop client's classes are loaded now: say where they came from.
      ModuleLayer.boot()
          .findModule("hadoop.client.api")
          .ifPresentOrElse(
              api -> System.out.println("hadoop client in " + describe(api)),
              () -> System.out.println("hadoop client in the unnamed module (class path)"));
      byte[] back = new byte[content.length];
      try (FileInput in = fs.newInputFile(file).newInput()) {
        in.readFully(0, back, 0, back.length);
      }
      System.out.println("read back: " + new String(back, StandardCharsets.UTF_8));
      System.out.println("listed: " + fs.list(file.parent()));
    }
  }

  private static String describe(Module module) {
    if (!module.isNamed()) {
      return "the unnamed module (class path)";
    }
    return "module " + module.getName() + (module.getDescriptor().isAutomatic() ? " (automatic)" : "");
  }
}
