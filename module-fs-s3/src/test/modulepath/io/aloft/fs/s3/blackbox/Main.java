package io.aloft.fs.s3.blackbox;

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
 * Finds the {@code s3://} provider with {@link ServiceLoader}, writes a file through it, reads it back
 * and reports what it saw, one fact per line.
 *
 * <p>Arguments: endpoint, access key, secret key, bucket.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    FileSystemProvider s3 =
        ServiceLoader.load(FileSystemProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.schemes().contains("s3"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no storage provider serves s3://"));
    Module module = s3.getClass().getModule();
    System.out.println("provider " + s3.getClass().getName() + " in " + describe(module));
    ModuleLayer.boot()
        .findModule("software.amazon.awssdk.services.s3")
        .ifPresent(sdk -> System.out.println("sdk in " + describe(sdk)));

    Config config =
        Config.of(
            Map.of(
                "s3.endpoint", args[0],
                "s3.path-style-access", "true",
                "s3.access-key", args[1],
                "s3.secret-key", args[2],
                "s3.max-retries", "1"));
    byte[] content = "written on the module path".getBytes(StandardCharsets.UTF_8);
    Location file = Location.of("s3://" + args[3] + "/blackbox/hello.txt");
    try (StateFileSystem fs = s3.create("s3", config)) {
      FileOutput out = fs.newOutputFile(file).createExclusive();
      out.write(content);
      out.close();
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
