package io.aloft.fs.hdfs;

import io.aloft.config.Config;
import io.aloft.spi.fs.Location;
import io.aloft.spi.fs.StateFileSystem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Points the provider at a NameNode address whose connection attempts go unanswered, once per number
 * of {@code ipc.client.connect.max.retries.on.timeouts}, and prints how long each {@code exists} took
 * to fail and with what message. Runs in a JVM of its own ({@link #runInNewJvm}), so that its
 * {@code ipc.client.connect.timeout} is the one Hadoop's shared RPC client is built with.
 *
 * <p>Arguments: the connect timeout in milliseconds, then the retry counts.
 */
final class SilentNameNodeProbe {

  /** One attempt: the location asked for, how long it took to fail, and the message. */
  record Outcome(String location, Duration took, String message) {}

  private static final long RUN_TIMEOUT_SECONDS = 60;

  private SilentNameNodeProbe() {}

  public static void main(String[] args) throws IOException {
    String timeoutMillis = args[0];
    try (SilentPort silent = new SilentPort()) {
      Location file = Location.of("hdfs://127.0.0.1:" + silent.port() + "/dir/1.sst");
      for (int i = 1; i < args.length; i++) {
        Config config =
            Config.of(
                Map.of(
                    "ipc.client.connect.timeout", timeoutMillis,
                    "ipc.client.connect.max.retries.on.timeouts", args[i]));
        try (StateFileSystem fs = new HdfsFileSystemProvider().create("hdfs", config)) {
          long start = System.nanoTime();
          String message;
          try {
            fs.exists(file);
            message = "no failure";
          } catch (IOException e) {
            message = e.getClass().getName() + ": " + e.getMessage();
          }
          long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          System.out.println(args[i] + "\t" + file + "\t" + tookMillis + "\t" + message.replace('\n', ' '));
        }
      }
    }
  }

  /** Runs {@link #main} in a new JVM with this JVM's class path; outcomes by retry count. */
  static Map<Integer, Outcome> runInNewJvm(Path dir, int timeoutMillis, int... retries)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SilentNameNodeProbe.class.getName());
    command.add(String.valueOf(timeoutMillis));
    for (int r : retries) {
      command.add(String.valueOf(r));
    }
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process process =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("the probe did not finish within " + RUN_TIMEOUT_SECONDS + " s");
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(
          "the probe failed; stderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
    }
    Map<Integer, Outcome> outcomes = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      String[] fields = line.split("\t", 4);
      if (fields.length == 4) {
        outcomes.put(
            Integer.parseInt(fields[0]),
            new Outcome(fields[1], Duration.ofMillis(Long.parseLong(fields[2])), fields[3]));
      }
    }
    return outcomes;
  }

  /**
   * A loopback port whose connection attempts go unanswered, as with a host that is down: a listener
   * that never accepts, with its accept queue already full, so Linux drops further SYNs.
   */
  static final class SilentPort implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final List<Socket> queued = new ArrayList<>();

    SilentPort() throws IOException {
      for (int i = 0; i < 4; i++) {
        Socket socket = new Socket();
        try {
          socket.connect(listener.getLocalSocketAddress(), 200);
          queued.add(socket);
        } catch (SocketTimeoutException full) {
          socket.close();
          return;
        }
      }
      throw new IllegalStateException("the accept queue of " + listener + " never filled");
    }

    int port() {
      return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      for (Socket socket : queued) {
        socket.close();
      }
      listener.close();
    }
  }
}
