package io.aloft.engine.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Addresses on this machine's loopback interface for tests of unreachable stores. */
public final class Loopback {

  private Loopback() {}

  /** A loopback port nothing listens on: a connection to it is refused at once. */
  public static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
