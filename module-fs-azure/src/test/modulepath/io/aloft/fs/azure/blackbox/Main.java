package io.aloft.fs.azure.blackbox;

import io.aloft.config.Config;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds the {@code abfss://} provider with {@link ServiceLoader}, writes a file through it, copies it,
 * reads the copy back and reports what it saw, one fact per line.
 *
 * <p>Arguments: endpoint, account, account key, container.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    FileSystemProvider azure =
        ServiceLoader.load(FileSystemProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.schemes().contains("abfss"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no storage provider serves abfss://"));
    Module module = azure.getClass().getModule();
    System.out.println("provider " + azure.getClass().getName() + " in " + describe(module));
    System.out.println("schemes " + new TreeSet<>(azure.schemes()));
    ModuleLayer.boot()
        .findModule("com.azure.storage.blob")
        .ifPresent(sdk -> System.out.println("sdk in " + describe(sdk)));

    Config config =
        Config.of(
            Map.of(
                "azure.endpoint", args[0],
                "azure.account-key", args[2],
                "azure.max-retries", "1"));
    byte[] content = "written on the module path".getBytes(StandardCharsets.UTF_8);
    Location file =
        Location.of("abfss://" + args[3] + "@" + args[1] + ".dfs.core.windows.net/blackbox/hello.txt");
    Location copy = file.parent().resolve("copy.txt");
    try (StateFileSystem fs = azure.create("abfss", config)) {
      FileOutput out = fs.newOutputFile(file).createExclusive();
      out.write(content);
      out.close();
      fs.copy(file, copy);
      byte[] back = new byte[content.length];
      try (FileInput in = fs.newInputFile(copy).newInput()) {
        in.readFully(0, back, 0, back.length);
      }
      System.out.println("read back: " + new String(back, StandardCharsets.UTF_8));
      System.out.println("listed: " + fs.list(file.parent()).size() + " files");
    }
  }

  private static String describe(Module module) {
    if (!module.isNamed()) {
      return "the unnamed module (class path)";
    }
    return "module " + module.getName() + (module.getDescriptor().isAutomatic() ? " (automatic)" : "");
  }
}
