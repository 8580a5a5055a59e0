package io.aloft.fs.s3;

import com.sun.net.httpserver.HttpExchange;
import io.aloft.config.Config;
import io.aloft.engine.testkit.ByteRange;
import io.aloft.engine.testkit.ScriptedHttpStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scripted S3 for fault tests: keeps objects in memory and answers GET (with ranges), HEAD and PUT
 * (with {@code If-None-Match: *}) like S3 — except where a test scripted a fault for the next requests
 * of a method ({@code "GET"}, {@code "HEAD"}, {@code "PUT"}). Path-style addressing; signatures are not
 * checked.
 */
final class FakeS3 extends ScriptedHttpStore {

  private record StoredObject(byte[] data, Map<String, String> metadata) {}

  private static final String WRITE_ID_HEADER = "x-amz-meta-" + S3FileOutput.WRITE_ID;

  private final Map<String, StoredObject> objects = new ConcurrentHashMap<>();

  FakeS3() throws IOException {
    super("the fake S3");
  }

  /** The endpoint, e.g. {@code http://127.0.0.1:41234}. */
  String endpoint() {
    return root();
  }

  @Override
  public Config config() {
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

  /** Stores an object at {@code bucket/key}. */
  FakeS3 put(String bucketAndKey, byte[] data, Map<String, String> metadata) {
    objects.put(bucketAndKey, new StoredObject(data, metadata));
    return this;
  }

  @Override
  protected void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String path = exchange.getRequestURI().getPath().substring(1); // bucket/key
      byte[] body = exchange.getRequestBody().readAllBytes();
      if (answerScripted(exchange, method, path, Fault.LOSE_ANSWER, Fault.BREAK_BODY, Fault.IGNORE_RANGE)) {
        return;
      }
      if (take(method, Fault.BREAK_BODY)) {
        byte[] data = objects.get(path).data();
        ByteRange range = range(exchange, data.length).orElseThrow();
        sendRange(exchange, data, range, true);
      } else if (take(method, Fault.IGNORE_RANGE)) {
        byte[] data = objects.get(path).data();
        exchange.getResponseHeaders().add("ETag", "\"fake\"");
        sendBody(exchange, 200, data, 0, data.length - 1, false);
      } else if (!answer(exchange, method, path, body, take(method, Fault.LOSE_ANSWER))) {
        error(exchange, 500, "InternalError", "the response was lost");
      }
    }
  }

  @Override
  protected void sendError(HttpExchange exchange, int status, Fault fault) throws IOException {
    switch (fault) {
      case UNAVAILABLE_503 -> error(exchange, status, "SlowDown", "Please reduce your request rate.");
      case INTERNAL_ERROR_500 -> error(exchange, status, "InternalError", "We encountered an internal error.");
      case FORBIDDEN_403 -> error(exchange, status, "AccessDenied", "Access Denied");
      case CONFLICT_409 ->
          error(exchange, status, "ConditionalRequestConflict", "A conflicting operation occurred.");
      default -> throw new IllegalStateException("the fake S3 does not answer " + fault);
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
        Optional<ByteRange> range = range(exchange, object.data().length);
        if (range.isEmpty()) {
          error(exchange, 416, "InvalidRange", "The requested range is not satisfiable");
          return true;
        }
        sendRange(exchange, object.data(), range.get(), false);
      }
      default -> error(exchange, 501, "NotImplemented", method + " is not faked");
    }
    return true;
  }

  /** The requested range; the whole object without a Range header; empty if none fits. */
  private static Optional<ByteRange> range(HttpExchange exchange, int length) {
    String header = exchange.getRequestHeaders().getFirst("Range");
    return header == null ? Optional.of(ByteRange.whole(length)) : ByteRange.of(header, length);
  }

  private static void sendRange(HttpExchange exchange, byte[] data, ByteRange range, boolean breakOff)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + data.length);
    exchange.getResponseHeaders().add("ETag", "\"fake\"");
    sendBody(exchange, 206, data, (int) range.first(), (int) range.last(), breakOff);
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
}
