package io.aloft.fs.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.aloft.config.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted S3 for fault tests: a JDK HTTP server on {@code 127.0.0.1} that keeps objects in memory and
 * answers GET (with ranges), HEAD and PUT (with {@code If-None-Match: *}) like S3 — except where a test
 * scripted a fault for the next requests of a method. Path-style addressing; signatures are not checked.
 */
final class FakeS3 implements AutoCloseable {

  /** What the next request of a method meets instead of the normal answer. */
  enum Fault {
    /** 503 SlowDown, S3's throttling answer. */
    SLOW_DOWN_503,
    /** 500 InternalError. */
    INTERNAL_ERROR_500,
    /** 403 AccessDenied. */
    ACCESS_DENIED_403,
    /** 409 ConditionalRequestConflict: a conditional write raced another request. */
    CONDITIONAL_CONFLICT_409,
    /** The request takes effect, but its answer is a 500: a response lost on the way. */
    APPLY_THEN_500,
    /** A GET's headers promise the whole range, half the body follows, then the connection closes. */
    BREAK_BODY,
    /** A GET answered 200 with the whole object, as a store without range support would. */
    IGNORE_RANGE,
    /** No answer for 10 s. */
    STALL,
  }

  private record StoredObject(byte[] data, Map<String, String> metadata) {}

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final String WRITE_ID_HEADER = "x-amz-meta-" + S3FileOutput.WRITE_ID;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
  // Guarded by this.
  private final Map<String, Deque<Fault>> faults = new ConcurrentHashMap<>();
  private final List<String> requests = new ArrayList<>();

  FakeS3() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The endpoint, e.g. {@code http://127.0.0.1:41234}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Provider configuration for this fake: 2 retries, short timeouts. */
  Config config() {
    return Config.of(
        Map.of(
            "s3.endpoint", endpoint(),
            "s3.path-style-access", "true",
            "s3.access-key", "fake",
            "s3.secret-key", "fake",
            "s3.connection-timeout", "1 s",
            "s3.request-timeout", "1 s",
            "s3.max-retries", "2"));
  }

  /** The next requests of {@code method} meet {@code faults}, in order. */
  synchronized FakeS3 script(String method, Fault... faults) {
    this.faults.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(Arrays.asList(faults));
    return this;
  }

  /** Stores an object at {@code bucket/key}. */
  FakeS3 put(String bucketAndKey, byte[] data, Map<String, String> metadata) {
    objects.put(bucketAndKey, new StoredObject(data, metadata));
    return this;
  }

  /** The requests of {@code method} received so far, as their paths. */
  synchronized List<String> requests(String method) {
    return requests.stream()
        .filter(r -> r.startsWith(method + " "))
        .map(r -> r.substring(method.length() + 1))
        .toList();
  }

  private synchronized Fault nextFault(String method, String path) {
    requests.add(method + " " + path);
    Deque<Fault> scripted = faults.get(method);
    return scripted == null ? null : scripted.poll();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String path = exchange.getRequestURI().getPath().substring(1); // bucket/key
      byte[] body = exchange.getRequestBody().readAllBytes();
      Fault fault = nextFault(method, path);
      if (fault == null || fault == Fault.APPLY_THEN_500) {
        boolean answered = answer(exchange, method, path, body, fault == Fault.APPLY_THEN_500);
        if (answered) {
          return;
        }
        error(exchange, 500, "InternalError", "the response was lost");
        return;
      }
      switch (fault) {
        case SLOW_DOWN_503 -> error(exchange, 503, "SlowDown", "Please reduce your request rate.");
        case INTERNAL_ERROR_500 -> error(exchange, 500, "InternalError", "We encountered an internal error.");
        case ACCESS_DENIED_403 -> error(exchange, 403, "AccessDenied", "Access Denied");
        case CONDITIONAL_CONFLICT_409 ->
            error(exchange, 409, "ConditionalRequestConflict", "A conflicting operation occurred.");
        case BREAK_BODY -> breakBody(exchange, path);
        case IGNORE_RANGE -> sendWhole(exchange, objects.get(path).data());
        case STALL -> sleep(10_000);
        default -> throw new IllegalStateException("unhandled fault " + fault);
      }
    }
  }

  /** The normal answer; with {@code loseResponse}, applies the request and answers nothing (false). */
  private boolean answer(
      HttpExchange exchange, String method, String path, byte[] body, boolean loseResponse)
      throws IOException {
    StoredObject object = objects.get(path);
    switch (method) {
      case "PUT" -> {
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        if ("*".equals(ifNoneMatch) && object != null) {
          error(exchange, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
          return true;
        }
        String writeId = exchange.getRequestHeaders().getFirst(WRITE_ID_HEADER);
        // The body may be aws-chunked; fault tests never read PUT bodies back.
        objects.put(path, new StoredObject(body, writeId == null ? Map.of() : Map.of(S3FileOutput.WRITE_ID, writeId)));
        if (loseResponse) {
          return false;
        }
        exchange.getResponseHeaders().add("ETag", "\"fake\"");
        exchange.sendResponseHeaders(200, -1);
      }
      case "HEAD" -> {
        if (object == null) {
          exchange.sendResponseHeaders(404, -1);
          return true;
        }
        exchange.getResponseHeaders().add("ETag", "\"fake\"");
        object.metadata().forEach((k, v) -> exchange.getResponseHeaders().add("x-amz-meta-" + k, v));
        exchange.getResponseHeaders().add("Content-Length", String.valueOf(object.data().length));
        exchange.sendResponseHeaders(200, -1);
      }
      case "GET" -> {
        if (object == null) {
          error(exchange, 404, "NoSuchKey", "The specified key does not exist.");
          return true;
        }
        long[] range = range(exchange, object.data().length);
        if (range == null) {
          error(exchange, 416, "InvalidRange", "The requested range is not satisfiable");
          return true;
        }
        sendRange(exchange, object.data(), (int) range[0], (int) range[1], (int) (range[1] - range[0] + 1));
      }
      default -> error(exchange, 501, "NotImplemented", method + " is not faked");
    }
    return true;
  }

  /** [first, last] of the requested range; the whole object without a Range header; null if none fits. */
  private static long[] range(HttpExchange exchange, int length) {
    String header = exchange.getRequestHeaders().getFirst("Range");
    if (header == null) {
      return new long[] {0, length - 1};
    }
    Matcher m = RANGE.matcher(header);
    if (!m.matches()) {
      return null;
    }
    long first;
    long last;
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      first = Math.max(0, length - suffix);
      last = length - 1;
    } else {
      first = Long.parseLong(m.group(1));
      last = m.group(2).isEmpty() ? length - 1 : Math.min(length - 1, Long.parseLong(m.group(2)));
    }
    return first >= length || first > last ? null : new long[] {first, last};
  }

  private static void sendRange(HttpExchange exchange, byte[] data, int first, int last, int sent)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + data.length);
    exchange.getResponseHeaders().add("ETag", "\"fake\"");
    exchange.sendResponseHeaders(206, last - first + 1);
    OutputStream out = exchange.getResponseBody();
    out.write(data, first, sent);
    out.flush();
  }

  private static void sendWhole(HttpExchange exchange, byte[] data) throws IOException {
    exchange.getResponseHeaders().add("ETag", "\"fake\"");
    exchange.sendResponseHeaders(200, data.length);
    exchange.getResponseBody().write(data);
  }

  private void breakBody(HttpExchange exchange, String path) throws IOException {
    StoredObject object = objects.get(path);
    long[] range = range(exchange, object.data().length);
    int length = (int) (range[1] - range[0] + 1);
    sendRange(exchange, object.data(), (int) range[0], (int) range[1], length / 2);
    // Leaving the handler with an exception makes the server drop the connection mid-body.
    throw new IOException("fake: the body breaks off after " + length / 2 + " of " + length + " bytes");
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] xml =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message><RequestId>fake-request</RequestId></Error>")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/xml");
    exchange.sendResponseHeaders(status, xml.length);
    exchange.getResponseBody().write(xml);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
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
        throw new IllegalStateException("the fake S3's handlers did not stop within 15 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the fake S3", e);
    }
  }
}
