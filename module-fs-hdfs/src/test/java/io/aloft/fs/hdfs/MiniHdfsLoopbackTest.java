package io.aloft.fs.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The test cluster listens on loopback only: every listening TCP socket of this JVM (NameNode RPC and
 * HTTP, DataNode transfer, IPC and HTTP) is bound to 127.0.0.1 or ::1. Read from Linux's
 * {@code /proc}: the JVM's socket inodes, and the local address of each listening socket.
 */
class MiniHdfsLoopbackTest {

  private static final String LISTEN = "0A";

  @Test
  void everyListeningSocketOfTheClusterIsOnLoopback() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc");
    MiniHdfs.shared();

    Set<String> ownInodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            ownInodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // a descriptor closed during the listing is no listening socket of the cluster
        }
      }
    }
    List<String> listening = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals(LISTEN) && ownInodes.contains(f[9])) {
          listening.add(f[1]);
        }
      }
    }

    assertThat(listening).as("listening sockets of this JVM (hex address:port)").hasSizeGreaterThanOrEqualTo(4);
    assertThat(listening).allSatisfy(address -> assertThat(isLoopback(address)).as(address).isTrue());
  }

  /** {@code 0100007F:1F90} (127.0.0.1), {@code 0000…0001:…} (::1) or {@code 0000…FFFF0100007F:…}. */
  private static boolean isLoopback(String hexAddressAndPort) {
    String address = hexAddressAndPort.substring(0, hexAddressAndPort.indexOf(':'));
    if (address.length() == 8) {
      return address.endsWith("7F"); // 127.x.x.x, little-endian
    }
    return address.equals("00000000000000000000000001000000") // ::1
        || (address.startsWith("0000000000000000FFFF0000") && address.endsWith("7F")); // ::ffff:127.x
  }
}
