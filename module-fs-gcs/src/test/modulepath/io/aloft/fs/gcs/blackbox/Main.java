package io.aloft.fs.gcs.blackbox;

import io.aloft.config.Config;
import io.aloft.spi.fs.FileInput;
import io.aloft.spi.fs.FileOutput;
import io.aloft.spi.fs.FileSystemProvider;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds the {@code gs://} provider with {@link ServiceLoader}, writes a file through it, reads it back
 * and reports what it saw, one fact per line.
 *
 * <p>Arguments: endpoint (a fake GCS without authentication), bucket.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    FileSystemProvider gcs =
        ServiceLoader.load(FileSystemProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.schemes().contains("gs"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no storage provider serves gs://"));
    System.out.println("provider " + gcs.getClass().getName() + " in " + describe(gcs.getClass().getModule()));
    ModuleLayer.boot()
        .findModule("com.google.api.services.storage")
        .ifPresent(client -> System.out.println("client in " + describe(client)));
    System.out.println(
        "google-cloud-storage present: " + ModuleLayer.boot().findModule("google.cloud.storage").isPresent());

    Config config =
        Config.of(Map.of("gcs.endpoint", args[0], "gcs.no-auth", "true", "gcs.max-retries", "1"));
    byte[] content = "written on the module path".getBytes(StandardCharsets.UTF_8);
    Location file = Location.of("gs://" + args[1] + "/blackbox/hello.txt");
    try (StateFileSystem fs = gcs.create("gs", config)) {
      FileOutput out = fs.newOutputFile(file).createExclusive();
      out.write(content);
      out.close();
      byte[] back = new byte[content.length];
      try (FileInput in = fs.newInputFile(file).newInput()) {
        in.readFully(0, back, 0, back.length);
      }
      System.out.println("read back: " + new String(back, StandardCharsets.UTF_8));
      System.out.println("listed: " + fs.list(file.parent()));
      try {
        FileOutput again = fs.newOutputFile(file).createExclusive();
        again.write(content);
        again.close();
        System.out.println("second exclusive create: succeeded");
      } catch (FileAlreadyExistsException e) {
        System.out.println("second exclusive create: already exists");
      }
    }
  }

  private static String describe(Module module) {
    if (!module.isNamed()) {
      return "the unnamed module (class path)";
    }
    return "module " + module.getName() + (module.getDescriptor().isAutomatic() ? " (automatic)" : "");
  }
}
