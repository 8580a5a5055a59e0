package io.aloft.fs.azure;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.aloft.config.Config;
import io.aloft.engine.testkit.ByteRange;
import io.aloft.engine.testkit.ScriptedHttpStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scripted Azure Blob service for fault tests: keeps block blobs in memory and answers Get Blob (with
 * {@code x-ms-range}), Get Blob Properties and Put Blob (with {@code If-None-Match: *}) like Azure —
 * except where a test scripted a fault for the next requests of a method ({@code "GET"}, {@code "HEAD"},
 * {@code "PUT"}). Path-style addressing ({@code /<account>/<container>/<blob>}); signatures are not
 * checked.
 */
final class FakeBlobService extends ScriptedHttpStore {

  static final String ACCOUNT = "fakeaccount";

  private record StoredBlob(byte[] data, Map<String, String> metadata) {}

  private static final String META = "x-ms-meta-";

  private final Map<String, StoredBlob> blobs = new ConcurrentHashMap<>();

  FakeBlobService() throws IOException {
    super("the fake Blob service");
  }

  /** The Blob endpoint of the fake account, e.g. {@code http://127.0.0.1:41234/fakeaccount}. */
  String endpoint() {
    return root() + "/" + ACCOUNT;
  }

  @Override
  public Config config() {
    return Config.of(
        Map.of(
            "azure.endpoint", endpoint(),
            "azure.account-key", "ZmFrZS1rZXk=",
            "azure.connection-timeout", "1 s",
            "azure.request-timeout", "1 s",
            "azure.max-retries", "2"));
  }

  /** Stores a blob at {@code container/blob}. */
  FakeBlobService put(String containerAndBlob, byte[] data, Map<String, String> metadata) {
    blobs.put(containerAndBlob, new StoredBlob(data, metadata));
    return this;
  }

  @Override
  protected void handle(HttpExchange exchange) throws IOException {
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
      if (answerScripted(exchange, method, name, Fault.LOSE_ANSWER, Fault.BREAK_BODY)) {
        return;
      }
      if (take(method, Fault.BREAK_BODY)) {
        byte[] data = blobs.get(name).data();
        sendRange(exchange, data, range(exchange, data.length).orElseThrow(), true);
      } else if (!answer(exchange, method, name, body, take(method, Fault.LOSE_ANSWER))) {
        error(exchange, 500, "InternalError", "the response was lost");
      }
    }
  }

  @Override
  protected void sendError(HttpExchange exchange, int status, Fault fault) throws IOException {
    switch (fault) {
      case UNAVAILABLE_503 -> error(exchange, status, "ServerBusy", "The server is busy.");
      case INTERNAL_ERROR_500 ->
          error(exchange, status, "InternalError", "The server encountered an internal error.");
      case FORBIDDEN_403 ->
          error(
              exchange,
              status,
              "AuthorizationPermissionMismatch",
              "This request is not authorized to perform this operation using this permission.");
      default -> throw new IllegalStateException("the fake Blob service does not answer " + fault);
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
        Optional<ByteRange> range = range(exchange, blob.data().length);
        if (range.isEmpty()) {
          error(exchange, 416, "InvalidRange", "The range specified is invalid for the current size of the resource.");
          return true;
        }
        sendRange(exchange, blob.data(), range.get(), false);
      }
      default -> error(exchange, 501, "NotImplemented", method + " is not faked");
    }
    return true;
  }

  /** The requested range; the whole blob without one; empty if none fits. */
  private static Optional<ByteRange> range(HttpExchange exchange, int length) {
    String header = exchange.getRequestHeaders().getFirst("x-ms-range");
    if (header == null) {
      header = exchange.getRequestHeaders().getFirst("Range");
    }
    return header == null ? Optional.of(ByteRange.whole(length)) : ByteRange.of(header, length);
  }

  private static void common(Headers headers) {
    headers.add("ETag", "\"0x8DCFAKE\"");
    headers.add(
        "Last-Modified",
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
    headers.add("x-ms-request-id", "fake-request");
    headers.add("x-ms-version", "2025-11-05");
  }

  private static void sendRange(HttpExchange exchange, byte[] data, ByteRange range, boolean breakOff)
      throws IOException {
    common(exchange.getResponseHeaders());
    exchange.getResponseHeaders().add("x-ms-blob-type", "BlockBlob");
    exchange.getResponseHeaders().add("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + data.length);
    sendBody(exchange, 206, data, (int) range.first(), (int) range.last(), breakOff);
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
}
