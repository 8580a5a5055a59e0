package io.aloft.engine.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.aloft.config.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The base of a provider's fake store for fault tests: a JDK HTTP server on the loopback address that
 * answers like the store, except where a test scripted a {@link Fault} for the next requests of an
 * operation. Each store names its operations ({@code "GET"}, {@code "MEDIA_GET"}, …), answers them,
 * and words its errors; this class keeps the script and the log of requests, answers the faults that
 * are an error status or a stall, and stops the server.
 */
public abstract class ScriptedHttpStore implements AutoCloseable {

  /** What the next request of an operation meets instead of the normal answer. */
  public enum Fault {
    /** 503: the store's throttling or unavailable answer. */
    UNAVAILABLE_503,
    /** 500: an internal error. */
    INTERNAL_ERROR_500,
    /** 429: too many requests. */
    TOO_MANY_REQUESTS_429,
    /** 403: the caller may not. */
    FORBIDDEN_403,
    /** 409: a conditional write raced another request. */
    CONFLICT_409,
    /** The request takes effect, but its answer is an error: a response lost on the way. */
    LOSE_ANSWER,
    /** A GET's headers promise the whole range, half the body follows, then the connection closes. */
    BREAK_BODY,
    /** A GET answered 200 with the whole file, as a store without range support would. */
    IGNORE_RANGE,
    /** No answer for {@link #STALL_MILLIS} ms. */
    STALL,
  }

  /** How long a {@link Fault#STALL}ed request waits: far beyond any request timeout of the tests. */
  public static final long STALL_MILLIS = 10_000;

  private final String name;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  // Guarded by this.
  private final Map<String, Deque<Fault>> faults = new HashMap<>();
  private final List<String> requests = new ArrayList<>();

  /** Starts the server; {@code name} (e.g. "the fake S3") names it in failures. */
  protected ScriptedHttpStore(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Answers one request; runs on the server's threads. */
  protected abstract void handle(HttpExchange exchange) throws IOException;

  /** Sends an error answer in the store's own format. */
  protected abstract void sendError(HttpExchange exchange, int status, Fault fault) throws IOException;

  /** Provider configuration for this fake: 2 retries, short timeouts. */
  public abstract Config config();

  /** {@code http://127.0.0.1:<port>}. */
  public final String root() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next requests of {@code operation} meet {@code faults}, in order. */
  public final synchronized void script(String operation, Fault... faults) {
    this.faults.computeIfAbsent(operation, o -> new ArrayDeque<>()).addAll(Arrays.asList(faults));
  }

  /** The requests of {@code operation} received so far, as what each was for (a path, a name). */
  public final synchronized List<String> requests(String operation) {
    return requests.stream()
        .filter(r -> r.startsWith(operation + " "))
        .map(r -> r.substring(operation.length() + 1))
        .toList();
  }

  /** Logs a request of {@code operation} for {@code target} that meets no scripted fault. */
  protected final synchronized void log(String operation, String target) {
    requests.add(operation + " " + target);
  }

  /**
   * Logs a request of {@code operation} for {@code target} and answers the fault scripted next for it,
   * if that is an error status or a stall; returns whether it answered. A fault among
   * {@code answeredByStore} stays scripted for the store to {@link #take}; any other is an error of the
   * test.
   */
  protected final boolean answerScripted(
      HttpExchange exchange, String operation, String target, Fault... answeredByStore) throws IOException {
    Fault fault;
    synchronized (this) {
      requests.add(operation + " " + target);
      Deque<Fault> scripted = faults.get(operation);
      fault = scripted == null ? null : scripted.peek();
      if (fault == null || Arrays.asList(answeredByStore).contains(fault)) {
        return false;
      }
      scripted.poll();
    }
    switch (fault) {
      case UNAVAILABLE_503 -> sendError(exchange, 503, fault);
      case INTERNAL_ERROR_500 -> sendError(exchange, 500, fault);
      case TOO_MANY_REQUESTS_429 -> sendError(exchange, 429, fault);
      case FORBIDDEN_403 -> sendError(exchange, 403, fault);
      case CONFLICT_409 -> sendError(exchange, 409, fault);
      case STALL -> stall();
      default -> throw new IllegalStateException("fault " + fault + " does not apply to " + operation);
    }
    return true;
  }

  /** Whether {@code fault} is the next scripted for {@code operation}; if so it is taken off the script. */
  protected final synchronized boolean take(String operation, Fault fault) {
    Deque<Fault> scripted = faults.get(operation);
    if (scripted != null && scripted.peek() == fault) {
      scripted.poll();
      return true;
    }
    return false;
  }

  /**
   * Sends {@code status} with a body of {@code data[first..last]}, of which only half arrives when
   * {@code breakOff}: then the handler ends with an exception, which makes the server drop the
   * connection mid-body.
   */
  protected static void sendBody(HttpExchange exchange, int status, byte[] data, int first, int last, boolean breakOff)
      throws IOException {
    int length = last - first + 1;
    exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
    OutputStream out = exchange.getResponseBody();
    if (breakOff) {
      out.write(data, first, length / 2);
      out.flush();
      throw new IOException("fake: the body breaks off after " + length / 2 + " of " + length + " bytes");
    }
    out.write(data, first, length);
    out.flush();
  }

  private static void stall() {
    try {
      Thread.sleep(STALL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(15, TimeUnit.SECONDS)) {
        throw new IllegalStateException(name + "'s handlers did not stop within 15 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping " + name, e);
    }
  }
}
