package io.aloft.fs.hdfs;

import io.aloft.spi.fs.Location;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.hdfs.BlockMissingException;
import org.apache.hadoop.hdfs.server.namenode.SafeModeException;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.ipc.StandbyException;
import org.apache.hadoop.security.AccessControlException;

/**
 * Turns what Hadoop's client throws into the storage contract's exceptions, each naming the location,
 * the operation and the NameNode. The one place that knows Hadoop's exception types.
 */
final class HdfsErrors {

  private HdfsErrors() {}

  /**
   * The contract's exception for a failed operation. Hadoop's {@code FileAlreadyExistsException}
   * becomes {@link FileAlreadyExistsException}: only an exclusive publish (a rename without
   * overwrite) and the check before it produce one.
   *
   * @param operation what was attempted, e.g. {@code "READ 10 bytes at position 95 of"}; the location
   *     follows it in the message
   * @param namenode the file system the location resolved to, for messages
   */
  static IOException translate(IOException e, String operation, Location location, URI namenode) {
    IOException cause = unwrap(e);
    if (cause instanceof FileNotFoundException) {
      return withCause(
          new NoSuchFileException(
              location.toString(), null, operation + ": no such file (" + firstLine(cause) + ")"),
          e);
    }
    if (cause instanceof org.apache.hadoop.fs.FileAlreadyExistsException) {
      return withCause(
          new FileAlreadyExistsException(location.toString(), null, operation + ": it exists"), e);
    }
    if (cause instanceof AccessControlException) {
      return withCause(
          new AccessDeniedException(
              location.toString(),
              null,
              operation + " denied by the NameNode at " + namenode + ": " + firstLine(cause)),
          e);
    }
    if (cause instanceof SafeModeException) {
      return new IOException(
          operation + " " + location + " failed: the NameNode at " + namenode
              + " is in safe mode and refuses changes (" + firstLine(cause) + ")",
          e);
    }
    if (cause instanceof StandbyException) {
      return new IOException(
          operation + " " + location + " failed: the NameNode at " + namenode + " is a standby;"
              + " name the HA nameservice (dfs.nameservices) in the location so the client fails over ("
              + firstLine(cause) + ")",
          e);
    }
    if (cause instanceof BlockMissingException) {
      return new IOException(
          operation + " " + location + " failed: no DataNode could serve a block of it, after the"
              + " client's retries (dfs.client.max.block.acquire.failures): " + firstLine(cause),
          e);
    }
    if (cause instanceof ChecksumException checksum) {
      return new IOException(
          operation + " " + location + " failed: every replica is corrupt at position "
              + checksum.getPos() + " (" + firstLine(cause) + ")",
          e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ClosedByInterruptException
          || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
        InterruptedIOException interrupted =
            new InterruptedIOException(operation + " " + location + " was interrupted");
        interrupted.initCause(e);
        return interrupted;
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new IOException(
            operation + " " + location + " failed: cannot connect to the NameNode at " + namenode
                + " (" + firstLine(t) + ")",
            e);
      }
      if (t instanceof UnknownHostException) {
        return new IOException(
            operation + " " + location + " failed: unknown host in " + namenode + " (" + firstLine(t) + ")",
            e);
      }
      if (t instanceof SocketTimeoutException) {
        return new IOException(
            operation + " " + location + " failed: timed out talking to " + namenode + " ("
                + firstLine(t) + ")",
            e);
      }
    }
    return new IOException(
        operation + " " + location + " failed at " + namenode + ": " + firstLine(cause), e);
  }

  /** The exception a NameNode threw, when a {@link RemoteException} carries one this client knows. */
  private static IOException unwrap(IOException e) {
    if (e instanceof RemoteException remote) {
      return remote.unwrapRemoteException();
    }
    return e;
  }

  /** Hadoop's messages can run to many lines (stack traces of the server): the first says what matters. */
  private static String firstLine(Throwable t) {
    String message = String.valueOf(t.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static <T extends IOException> T withCause(T exception, Throwable cause) {
    exception.initCause(cause);
    return exception;
  }
}
