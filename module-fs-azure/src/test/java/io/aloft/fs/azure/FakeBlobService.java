package io.aloft.fs.azure;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.aloft.config.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
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
 * A scripted Azure Blob service for fault tests: a JDK HTTP server on {@code 127.0.0.1} that keeps block
 * blobs in memory and answers Get Blob (with {@code x-ms-range}), Get Blob Properties and Put Blob (with
 * {@code If-None-Match: *}) like Azure — except where a test scripted a fault for the next requests of a
 * method. Path-style addressing ({@code /<account>/<container>/<blob>}); signatures are not checked.
 */
final class FakeBlobService implements AutoCloseable {

  static final String ACCOUNT = "fakeaccount";

  /** What the next request of a method meets instead of the normal answer. */
  enum Fault {
    /** 503 ServerBusy, Azure's throttling answer. */
    SERVER_BUSY_503,
    /** 500 InternalError. */
    INTERNAL_ERROR_500,
    /** 403 AuthorizationPermissionMismatch. */
    FORBIDDEN_403,
    /** The request takes effect, but its answer is a 500: a response lost on the way. */
    APPLY_THEN_500,
    /** A GET's headers promise the whole range, half the body follows, then the connection closes. */
    BREAK_BODY,
    /** No answer for 10 s. */
    STALL,
  }

  private record StoredBlob(byte[] data, Map<String, String> metadata) {}

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static final String META = "x-ms-meta-";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, StoredBlob> blobs = new ConcurrentHashMap<>();
  // Guarded by this.
  private final Map<String, Deque<Fault>> faults = new HashMap<>();
  private final List<String> requests = new ArrayList<>();

  FakeBlobService() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The Blob endpoint of the fake account, e.g. {@code http://127.0.0.1:41234/fakeaccount}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + ACCOUNT;
  }

  /** Provider configuration for this fake: 2 retries, short timeouts. */
  Config config() {
    return Config.of(
        Map.of(
            "azure.endpoint", endpoint(),
            "azure.account-key", "ZmFrZS1rZXk=",
            "azure.connection-timeout", "1 s",
            "azure.request-timeout", "1 s",
            "azure.max-retries", "2"));
  }

  /** The next requests of {@code method} meet {@code faults}, in order. */
  synchronized FakeBlobService script(String method, Fault... faults) {
    this.faults.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(Arrays.asList(faults));
    return this;
  }

  /** Stores a blob at {@code container/blob}. */
  FakeBlobService put(String containerAndBlob, byte[] data, Map<String, String> metadata) {
    blobs.put(containerAndBlob, new StoredBlob(data, metadata));
    return this;
  }

  /** The requests of {@code method} received so far, as {@code container/blob}. */
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
      String path = exchange.getRequestURI().getPath();
      String prefix = "/" + ACCOUNT + "/";
      if (!path.startsWith(prefix)) {
        error(exchange, 400, "InvalidUri", "path-style requests for " + ACCOUNT + " only");
        return;
      }
      String name = path.substring(prefix.length()); // container/blob
      byte[] body = exchange.getRequestBody().readAllBytes();
      Fault fault = nextFault(method, name);
      if (fault == null || fault == Fault.APPLY_THEN_500) {
        if (!answer(exchange, method, name, body, fault == Fault.APPLY_THEN_500)) {
          error(exchange, 500, "InternalError", "the response was lost");
        }
        return;
      }
      switch (fault) {
        case SERVER_BUSY_503 -> error(exchange, 503, "ServerBusy", "The server is busy.");
        case INTERNAL_ERROR_500 ->
            error(exchange, 500, "InternalError", "The server encountered an internal error.");
        case FORBIDDEN_403 ->
            error(
                exchange,
                403,
                "AuthorizationPermissionMismatch",
                "This request is not authorized to perform this operation using this permission.");
        case BREAK_BODY -> breakBody(exchange, name);
        case STALL -> sleep(10_000);
        default -> throw new IllegalStateException("unhandled fault " + fault);
      }
    }
  }

  /** The normal answer; with {@code loseResponse}, applies the request and answers nothing (false). */
  private boolean answer(
      HttpExchange exchange, String method, String name, byte[] body, boolean loseResponse)
      throws IOException {
    StoredBlob blob = blobs.get(name);
    switch (method) {
      case "PUT" -> {
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        if ("*".equals(ifNoneMatch) && blob != null) {
          error(exchange, 409, "BlobAlreadyExists", "The specified blob already exists.");
          return true;
        }
        Map<String, String> metadata = new HashMap<>();
        exchange.getRequestHeaders().forEach(
            (header, values) -> {
              if (header.toLowerCase(Locale.ROOT).startsWith(META)) {
                metadata.put(header.substring(META.length()).toLowerCase(Locale.ROOT), values.get(0));
              }
            });
        blobs.put(name, new StoredBlob(body, metadata));
        if (loseResponse) {
          return false;
        }
        common(exchange.getResponseHeaders());
        exchange.getResponseHeaders().add("x-ms-request-server-encrypted", "true");
        exchange.sendResponseHeaders(201, -1);
      }
      case "HEAD" -> {
        if (blob == null) {
          exchange.getResponseHeaders().add("x-ms-error-code", "BlobNotFound");
          exchange.sendResponseHeaders(404, -1);
          return true;
        }
        common(exchange.getResponseHeaders());
        blob.metadata().forEach((k, v) -> exchange.getResponseHeaders().add(META + k, v));
        exchange.getResponseHeaders().add("x-ms-blob-type", "BlockBlob");
        exchange.getResponseHeaders().add("Content-Length", String.valueOf(blob.data().length));
        exchange.sendResponseHeaders(200, -1);
      }
      case "GET" -> {
        if (blob == null) {
          error(exchange, 404, "BlobNotFound", "The specified blob does not exist.");
          return true;
        }
        long[] range = range(exchange, blob.data().length);
        if (range == null) {
          error(exchange, 416, "InvalidRange", "The range specified is invalid for the current size of the resource.");
          return true;
        }
        sendRange(exchange, blob.data(), (int) range[0], (int) range[1], (int) (range[1] - range[0] + 1));
      }
      default -> error(exchange, 501, "NotImplemented", method + " is not faked");
    }
    return true;
  }

  /** [first, last] of the requested range; the whole blob without a range; null if none fits. */
  private static long[] range(HttpExchange exchange, int length) {
    String header = exchange.getRequestHeaders().getFirst("x-ms-range");
    if (header == null) {
      header = exchange.getRequestHeaders().getFirst("Range");
    }
    if (header == null) {
      return new long[] {0, length - 1};
    }
    Matcher m = RANGE.matcher(header);
    if (!m.matches()) {
      return null;
    }
    long first = Long.parseLong(m.group(1));
    long last = m.group(2).isEmpty() ? length - 1 : Math.min(length - 1, Long.parseLong(m.group(2)));
    return first >= length || first > last ? null : new long[] {first, last};
  }

  private static void common(Headers headers) {
    headers.add("ETag", "\"0x8DCFAKE\"");
    headers.add(
        "Last-Modified",
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
    headers.add("x-ms-request-id", "fake-request");
    headers.add("x-ms-version", "2025-11-05");
  }

  private static void sendRange(HttpExchange exchange, byte[] data, int first, int last, int sent)
      throws IOException {
    common(exchange.getResponseHeaders());
    exchange.getResponseHeaders().add("x-ms-blob-type", "BlockBlob");
    exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + data.length);
    exchange.sendResponseHeaders(206, last - first + 1);
    OutputStream out = exchange.getResponseBody();
    out.write(data, first, sent);
    out.flush();
  }

  private void breakBody(HttpExchange exchange, String name) throws IOException {
    StoredBlob blob = blobs.get(name);
    long[] range = range(exchange, blob.data().length);
    int length = (int) (range[1] - range[0] + 1);
    sendRange(exchange, blob.data(), (int) range[0], (int) range[1], length / 2);
    // Leaving the handler with an exception makes the server drop the connection mid-body.
    throw new IOException("fake: the body breaks off after " + length / 2 + " of " + length + " bytes");
  }

  private static void error(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    common(exchange.getResponseHeaders());
    exchange.getResponseHeaders().add("x-ms-error-code", code);
    if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] xml =
        ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "\nRequestId:fake-request\nTime:2026-11-25T00:00:00.0000000Z</Message></Error>")
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
        throw new IllegalStateException("the fake Blob service's handlers did not stop within 15 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the fake Blob service", e);
    }
  }
}
