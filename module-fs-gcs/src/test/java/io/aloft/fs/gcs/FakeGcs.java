package io.aloft.fs.gcs;

import com.google.api.client.json.GenericJson;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.storage.model.Objects;
import com.google.api.services.storage.model.RewriteResponse;
import com.google.api.services.storage.model.StorageObject;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.sun.net.httpserver.HttpExchange;
import io.aloft.config.Config;
import io.aloft.engine.testkit.ByteRange;
import io.aloft.engine.testkit.ScriptedHttpStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Cloud Storage JSON API on {@code 127.0.0.1}: a JDK HTTP server that answers the requests the
 * provider sends — media GETs with {@code Range}, metadata GETs, {@code objects.list} with page tokens,
 * deletes, JSON-API batches of deletes, multipart and resumable uploads, {@code objects.rewrite} with
 * rewrite tokens — and honours what Google's in-memory helper does not: generations, and the
 * {@code ifGenerationMatch} precondition ({@code 0}: the object must not exist) on uploads and reads,
 * answered {@code 412} like the real service.
 *
 * <p>The objects' bytes live in google-cloud-nio's {@link LocalStorageHelper} (an in-memory
 * {@code Storage}): created, read by range through its {@code ReadChannel}, listed, copied and deleted
 * there. This class keeps beside them only what the helper lacks: each object's generation and the
 * writer's metadata, under one lock so a precondition and the write it guards are atomic.
 *
 * <p>Tests can script faults for the next requests of an operation ({@link #script}), require a bearer
 * token ({@link #requireToken}), which the fake's {@code /token} endpoint hands out, and make rewrites
 * take several calls.
 */
final class FakeGcs extends ScriptedHttpStore {

  /** The operations faults can be scripted for. */
  enum Op {
    MEDIA_GET,
    METADATA_GET,
    LIST,
    DELETE,
    BATCH,
    UPLOAD,
    START_SESSION,
    /** A request of an upload session: a chunk but the last, or a status query. */
    CHUNK,
    /** The request of an upload session that states the total size. */
    LAST_CHUNK,
    REWRITE,
  }

  /** What the fake keeps beside the helper's bytes. */
  /** An object's generation, size, metadata and {@code updated} time (when that generation was written). */
  private record ObjectState(long generation, long size, Map<String, String> metadata, long updatedMillis) {}

  private static final class Session {
    final String bucket;
    final String name;
    final Long ifGenerationMatch;
    final Map<String, String> metadata;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean completed;

    Session(String bucket, String name, Long ifGenerationMatch, Map<String, String> metadata) {
      this.bucket = bucket;
      this.name = name;
      this.ifGenerationMatch = ifGenerationMatch;
      this.metadata = metadata;
    }
  }

  static final String TOKEN = "fake-access-token";

  private static final JsonFactory JSON = GsonFactory.getDefaultInstance();
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");
  private static final String OBJECT_PATH = "/storage/v1/b/";
  private static final String UPLOAD_PATH = "/upload/storage/v1/b/";

  private final Storage blobs = LocalStorageHelper.customOptions(false).getService();
  // Guarded by this: the helper's bytes and these states change together.
  private final Map<String, ObjectState> states = new HashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);
  private volatile String requiredToken;
  private volatile String requiredUserProject;
  private volatile long rewriteBytesPerCall = Long.MAX_VALUE;

  FakeGcs() throws IOException {
    super("the fake GCS");
  }

  /** The endpoint, e.g. {@code http://127.0.0.1:41234}. */
  String endpoint() {
    return root();
  }

  /** Provider configuration for this fake: no credentials, 2 retries, short timeouts. */
  @Override
  public Config config() {
    return Config.of(
        Map.of(
            "gcs.endpoint", endpoint(),
            "gcs.no-auth", "true",
            "gcs.connection-timeout", "1 s",
            "gcs.request-timeout", "2 s",
            "gcs.max-retries", "2",
            "gcs.upload.chunk-size", "256kb"));
  }

  /** The next requests of {@code op} meet {@code faults}, in order. */
  void script(Op op, Fault... faults) {
    script(op.name(), faults);
  }

  /** From now on every request but {@code /token} needs {@code Authorization: Bearer} {@link #TOKEN}. */
  void requireToken() {
    requiredToken = TOKEN;
  }

  /**
   * From now on every request but batches (whose calls are checked) and upload-session requests
   * (whose session was started with it) must name {@code project} as {@code userProject}; 400 if not.
   */
  void requireUserProject(String project) {
    requiredUserProject = project;
  }

  /** Rewrites copy at most this many bytes per call and answer {@code done: false} until finished. */
  void rewriteBytesPerCall(long bytes) {
    rewriteBytesPerCall = bytes;
  }

  /** The requests of {@code op} received so far, as {@code bucket/name} (or the batch size). */
  List<String> requests(Op op) {
    return requests(op.name());
  }


  /** Stores an object as another writer would, with a new generation; returns the generation. */
  synchronized long put(String bucket, String name, byte[] data, Map<String, String> metadata) {
    return store(bucket, name, data, metadata);
  }

  /** The current generation of an object, or 0 if it does not exist. */
  synchronized long generation(String bucket, String name) {
    ObjectState state = states.get(bucket + "/" + name);
    return state == null ? 0 : state.generation();
  }

  /** The object's bytes, read back from the in-memory helper. */
  byte[] bytes(String bucket, String name) {
    return blobs.readAllBytes(BlobId.of(bucket, name));
  }

  /** Open resumable upload sessions. */
  int openSessions() {
    return (int) sessions.values().stream().filter(s -> !s.completed).count();
  }

  // --- the store, under the lock ------------------------------------------------------------------

  private long store(String bucket, String name, byte[] data, Map<String, String> metadata) {
    long generation = generations.incrementAndGet();
    blobs.create(BlobInfo.newBuilder(bucket, name).setContentType("application/octet-stream").build(), data);
    states.put(bucket + "/" + name, new ObjectState(generation, data.length, Map.copyOf(metadata), System.currentTimeMillis()));
    return generation;
  }

  /** Null if the precondition holds, else the message of the 412. */
  private String preconditionFailure(String bucket, String name, Long ifGenerationMatch) {
    if (ifGenerationMatch == null) {
      return null;
    }
    ObjectState state = states.get(bucket + "/" + name);
    long current = state == null ? 0 : state.generation();
    return current == ifGenerationMatch
        ? null
        : "At least one of the pre-conditions you specified did not hold (ifGenerationMatch="
            + ifGenerationMatch + ", current generation " + current + ")";
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  private record Request(
      HttpExchange exchange, String method, List<String> segments, Map<String, String> query, byte[] body) {
    String header(String name) {
      return exchange.getRequestHeaders().getFirst(name);
    }

    Long longParam(String name) {
      String value = query.get(name);
      return value == null ? null : Long.parseLong(value);
    }
  }

  @Override
  protected void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      List<String> segments = new ArrayList<>();
      for (String raw : uri.getRawPath().substring(1).split("/", -1)) {
        segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
      Request request =
          new Request(
              exchange,
              exchange.getRequestMethod().toUpperCase(Locale.ROOT),
              segments,
              query(uri.getRawQuery()),
              exchange.getRequestBody().readAllBytes());
      if (uri.getPath().equals("/token")) {
        sendJson(exchange, 200, new GenericJson().set("access_token", TOKEN).set("expires_in", 3600).set("token_type", "Bearer"));
        return;
      }
      String token = requiredToken;
      if (token != null && !("Bearer " + token).equals(request.header("Authorization"))) {
        error(exchange, 401, "Anonymous caller does not have storage.objects.get access.");
        return;
      }
      String project = requiredUserProject;
      if (project != null
          && !uri.getPath().startsWith("/batch/")
          && !request.query().containsKey("upload_id")
          && !project.equals(request.query().get("userProject"))) {
        error(exchange, 400, "fake GCS: userProject " + project + " required, got " + request.query().get("userProject"));
        return;
      }
      route(request);
    } catch (RuntimeException e) {
      error(exchange, 500, "fake GCS failed: " + e);
    }
  }

  private void route(Request r) throws IOException {
    List<String> s = r.segments();
    if (!s.isEmpty() && s.get(0).equals("download")) {
      s = s.subList(1, s.size()); // media downloads may use /download/storage/v1/...
    }
    String path = "/" + String.join("/", s);
    if (path.startsWith("/batch/storage/v1") && r.method().equals("POST")) {
      batch(r);
    } else if (path.startsWith(UPLOAD_PATH) && s.size() == 6 && s.get(5).equals("o")) {
      upload(r, s.get(4));
    } else if (path.startsWith(OBJECT_PATH) && s.size() == 5 && s.get(4).equals("o") && r.method().equals("GET")) {
      list(r, s.get(3));
    } else if (path.startsWith(OBJECT_PATH) && s.size() == 6 && s.get(4).equals("o")) {
      String bucket = s.get(3);
      String name = s.get(5);
      switch (r.method()) {
        case "GET" -> {
          if ("media".equals(r.query().get("alt"))) {
            mediaGet(r, bucket, name);
          } else {
            metadataGet(r, bucket, name);
          }
        }
        case "DELETE" -> delete(r, bucket, name);
        default -> error(r.exchange(), 405, r.method() + " is not faked");
      }
    } else if (path.startsWith(OBJECT_PATH) && s.size() == 11 && s.get(6).equals("rewriteTo")) {
      rewrite(r, s.get(3), s.get(5), s.get(8), s.get(10));
    } else {
      error(r.exchange(), 404, "fake GCS: no such API: " + r.method() + " " + path);
    }
  }

  /** Logs the request and answers a scripted fault; true if one was answered. */
  private boolean fault(Request r, Op op, String what, Fault... handledLater) throws IOException {
    return answerScripted(r.exchange(), op.name(), what, handledLater);
  }

  @Override
  protected void sendError(HttpExchange exchange, int status, Fault fault) throws IOException {
    String message =
        switch (fault) {
          case UNAVAILABLE_503 -> "Service Unavailable (scripted)";
          case INTERNAL_ERROR_500 -> "Internal Error (scripted)";
          case TOO_MANY_REQUESTS_429 -> "The rate of change requests exceeds the limit (scripted)";
          case FORBIDDEN_403 -> "caller does not have storage.objects access (scripted)";
          default -> throw new IllegalStateException("the fake GCS does not answer " + fault);
        };
    error(exchange, status, message);
  }

  private void mediaGet(Request r, String bucket, String name) throws IOException {
    if (fault(r, Op.MEDIA_GET, bucket + "/" + name, Fault.BREAK_BODY, Fault.IGNORE_RANGE)) {
      return;
    }
    boolean breakBody = take(Op.MEDIA_GET.name(), Fault.BREAK_BODY);
    boolean ignoreRange = take(Op.MEDIA_GET.name(), Fault.IGNORE_RANGE);
    ObjectState state;
    byte[] content;
    long first;
    long last;
    while (true) {
      synchronized (this) {
        state = states.get(bucket + "/" + name);
        if (state == null) {
          error(r.exchange(), 404, "No such object: " + bucket + "/" + name);
          return;
        }
        String failed = preconditionFailure(bucket, name, r.longParam("ifGenerationMatch"));
        if (failed != null) {
          error(r.exchange(), 412, failed);
          return;
        }
      }
      Optional<ByteRange> range = ignoreRange ? Optional.of(ByteRange.whole(state.size())) : range(r.header("Range"), state.size());
      if (range.isEmpty()) {
        error(r.exchange(), 416, "The requested range cannot be satisfied.");
        return;
      }
      first = range.get().first();
      last = range.get().last();
      // Read outside the lock, so reads run in parallel; a write meanwhile means reading again.
      content = readRange(bucket, name, first, (int) (last - first + 1));
      synchronized (this) {
        if (states.get(bucket + "/" + name) == state) {
          break;
        }
      }
    }
    r.exchange().getResponseHeaders().add("x-goog-generation", String.valueOf(state.generation()));
    r.exchange().getResponseHeaders().add("Content-Type", "application/octet-stream");
    boolean ranged = r.header("Range") != null && !ignoreRange;
    if (ranged) {
      r.exchange().getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + state.size());
    }
    sendBody(r.exchange(), ranged ? 206 : 200, content, 0, content.length - 1, breakBody);
  }

  /** Bytes of an object read through the helper's channel: seek, then read {@code length}. */
  private byte[] readRange(String bucket, String name, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    if (length == 0) {
      return buffer.array();
    }
    try (ReadChannel channel = blobs.reader(BlobId.of(bucket, name))) {
      channel.seek(position);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer) < 0) {
          throw new IllegalStateException("the helper's object ended early: " + bucket + "/" + name);
        }
      }
    }
    return buffer.array();
  }

  /** The range a Range header asks for; the whole object without one; empty if unsatisfiable. */
  private static Optional<ByteRange> range(String header, long length) {
    if (header == null || !ByteRange.readable(header)) {
      return Optional.of(ByteRange.whole(length)); // like the service: an unreadable range is ignored
    }
    return ByteRange.of(header, length);
  }

  private void metadataGet(Request r, String bucket, String name) throws IOException {
    if (fault(r, Op.METADATA_GET, bucket + "/" + name)) {
      return;
    }
    StorageObject object;
    synchronized (this) {
      ObjectState state = states.get(bucket + "/" + name);
      if (state == null) {
        error(r.exchange(), 404, "No such object: " + bucket + "/" + name);
        return;
      }
      object = resource(bucket, name, state);
    }
    sendJson(r.exchange(), 200, object);
  }

  private void list(Request r, String bucket) throws IOException {
    if (fault(r, Op.LIST, bucket)) {
      return;
    }
    String prefix = r.query().getOrDefault("prefix", "");
    int max = Integer.parseInt(r.query().getOrDefault("maxResults", "1000"));
    String after = r.query().get("pageToken");
    TreeMap<String, StorageObject> matching = new TreeMap<>();
    synchronized (this) {
      // The names come from the helper's listing; generations and sizes from the fake's states.
      for (Blob blob : blobs.list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
        ObjectState state = states.get(bucket + "/" + blob.getName());
        if (state != null && blob.getName().startsWith(prefix)) {
          matching.put(blob.getName(), resource(bucket, blob.getName(), state));
        }
      }
    }
    List<StorageObject> page = new ArrayList<>();
    String next = null;
    for (Map.Entry<String, StorageObject> e : (after == null ? matching : matching.tailMap(after, false)).entrySet()) {
      if (page.size() == max) {
        next = page.get(page.size() - 1).getName();
        break;
      }
      page.add(e.getValue());
    }
    Objects result = new Objects().setKind("storage#objects").setItems(page);
    if (next != null) {
      result.setNextPageToken(next);
    }
    sendJson(r.exchange(), 200, result);
  }

  private void delete(Request r, String bucket, String name) throws IOException {
    if (fault(r, Op.DELETE, bucket + "/" + name, Fault.LOSE_ANSWER)) {
      return;
    }
    boolean lose = take(Op.DELETE.name(), Fault.LOSE_ANSWER);
    int status = deleteObject(bucket, name);
    if (lose) {
      error(r.exchange(), 503, "the response was lost (scripted)");
    } else if (status == 404) {
      error(r.exchange(), 404, "No such object: " + bucket + "/" + name);
    } else {
      r.exchange().sendResponseHeaders(204, -1);
    }
  }

  private synchronized int deleteObject(String bucket, String name) {
    if (states.remove(bucket + "/" + name) == null) {
      return 404;
    }
    blobs.delete(BlobId.of(bucket, name));
    return 204;
  }

  private void rewrite(Request r, String sourceBucket, String sourceName, String bucket, String name)
      throws IOException {
    if (fault(r, Op.REWRITE, sourceBucket + "/" + sourceName + " -> " + bucket + "/" + name)) {
      return;
    }
    String token = r.query().get("rewriteToken");
    long done = token == null ? 0 : Long.parseLong(token.substring(token.indexOf(':') + 1));
    RewriteResponse response = new RewriteResponse().setKind("storage#rewriteResponse");
    synchronized (this) {
      ObjectState source = states.get(sourceBucket + "/" + sourceName);
      if (source == null) {
        error(r.exchange(), 404, "No such object: " + sourceBucket + "/" + sourceName);
        return;
      }
      long rewritten = Math.min(source.size(), done + rewriteBytesPerCall);
      response.setObjectSize(source.size()).setTotalBytesRewritten(rewritten);
      if (rewritten < source.size()) {
        response.setDone(false).setRewriteToken(source.generation() + ":" + rewritten);
      } else {
        blobs.copy(
            Storage.CopyRequest.newBuilder()
                .setSource(BlobId.of(sourceBucket, sourceName))
                .setTarget(BlobId.of(bucket, name))
                .build())
            .getResult();
        long generation = generations.incrementAndGet();
        ObjectState copied = new ObjectState(generation, source.size(), source.metadata(), System.currentTimeMillis());
        states.put(bucket + "/" + name, copied);
        response.setDone(true).setResource(resource(bucket, name, copied));
      }
    }
    sendJson(r.exchange(), 200, response);
  }

  // --- uploads ------------------------------------------------------------------------------------

  private void upload(Request r, String bucket) throws IOException {
    String uploadId = r.query().get("upload_id");
    if (uploadId != null) {
      Session session = sessions.get(uploadId);
      if (session == null) {
        error(r.exchange(), 404, "No such upload session");
      } else if (r.method().equals("DELETE")) {
        sessions.remove(uploadId);
        error(r.exchange(), 499, "Client Closed Request");
      } else if (r.method().equals("PUT")) {
        chunk(r, uploadId, session);
      } else {
        error(r.exchange(), 405, r.method() + " on an upload session");
      }
      return;
    }
    if (!r.method().equals("POST")) {
      error(r.exchange(), 405, r.method() + " is not faked");
      return;
    }
    String type = r.query().get("uploadType");
    if ("multipart".equals(type)) {
      multipart(r, bucket);
    } else if ("resumable".equals(type)) {
      startSession(r, bucket);
    } else {
      error(r.exchange(), 400, "fake GCS: unsupported uploadType " + type);
    }
  }

  private void multipart(Request r, String bucket) throws IOException {
    List<byte[]> parts = multipartParts(r.header("Content-Type"), r.body());
    StorageObject metadata = JSON.fromString(new String(parts.get(0), StandardCharsets.UTF_8), StorageObject.class);
    String name = metadata.getName();
    if (fault(r, Op.UPLOAD, bucket + "/" + name, Fault.LOSE_ANSWER)) {
      return;
    }
    boolean lose = take(Op.UPLOAD.name(), Fault.LOSE_ANSWER);
    StorageObject created;
    synchronized (this) {
      String failed = preconditionFailure(bucket, name, r.longParam("ifGenerationMatch"));
      if (failed != null) {
        error(r.exchange(), 412, failed);
        return;
      }
      store(bucket, name, parts.get(1), metadataOf(metadata));
      created = resource(bucket, name, states.get(bucket + "/" + name));
    }
    if (lose) {
      error(r.exchange(), 503, "the response was lost (scripted)");
      return;
    }
    sendJson(r.exchange(), 200, created);
  }

  private void startSession(Request r, String bucket) throws IOException {
    StorageObject metadata = JSON.fromString(new String(r.body(), StandardCharsets.UTF_8), StorageObject.class);
    String name = metadata.getName();
    if (fault(r, Op.START_SESSION, bucket + "/" + name)) {
      return;
    }
    Long ifGenerationMatch = r.longParam("ifGenerationMatch");
    synchronized (this) {
      // The service checks the precondition when the session starts, and again when it completes.
      String failed = preconditionFailure(bucket, name, ifGenerationMatch);
      if (failed != null) {
        error(r.exchange(), 412, failed);
        return;
      }
    }
    String id = UUID.randomUUID().toString();
    sessions.put(id, new Session(bucket, name, ifGenerationMatch, metadataOf(metadata)));
    r.exchange().getResponseHeaders().add("Location", endpoint() + UPLOAD_PATH + bucket + "/o?uploadType=resumable&upload_id=" + id);
    r.exchange().sendResponseHeaders(200, -1);
  }

  private void chunk(Request r, String id, Session session) throws IOException {
    Matcher m = CONTENT_RANGE.matcher(String.valueOf(r.header("Content-Range")));
    if (!m.matches()) {
      error(r.exchange(), 400, "bad Content-Range: " + r.header("Content-Range"));
      return;
    }
    Op op = m.group(4).equals("*") ? Op.CHUNK : Op.LAST_CHUNK;
    if (fault(r, op, session.bucket + "/" + session.name, Fault.LOSE_ANSWER)) {
      return;
    }
    boolean lose = take(op.name(), Fault.LOSE_ANSWER);
    StorageObject created = null;
    synchronized (session) {
      if (session.completed) {
        sendJson(r.exchange(), 200, objectAfterSession(session));
        return;
      }
      long held = session.bytes.size();
      if (m.group(2) != null) {
        long first = Long.parseLong(m.group(2));
        long last = Long.parseLong(m.group(3));
        if (first > held || last - first + 1 != r.body().length) {
          error(r.exchange(), 400, "chunk " + first + "-" + last + " does not continue the " + held + " bytes held");
          return;
        }
        // Bytes the session already holds are skipped, as the service does.
        int skip = (int) (held - first);
        session.bytes.write(r.body(), skip, r.body().length - skip);
        held = session.bytes.size();
      }
      boolean finalChunk = !m.group(4).equals("*");
      if (finalChunk && Long.parseLong(m.group(4)) == held) {
        synchronized (this) {
          String failed = preconditionFailure(session.bucket, session.name, session.ifGenerationMatch);
          if (failed != null) {
            sessions.remove(id);
            error(r.exchange(), 412, failed);
            return;
          }
          store(session.bucket, session.name, session.bytes.toByteArray(), session.metadata);
          created = resource(session.bucket, session.name, states.get(session.bucket + "/" + session.name));
        }
        session.completed = true;
      } else if (!finalChunk && m.group(2) != null && (held % (256 * 1024)) != 0) {
        error(r.exchange(), 400, "a chunk but the last must be a multiple of 256 KiB");
        return;
      }
      if (lose) {
        error(r.exchange(), 503, "the response was lost (scripted)");
        return;
      }
      if (created != null) {
        sendJson(r.exchange(), 200, created);
        return;
      }
      if (held > 0) {
        r.exchange().getResponseHeaders().add("Range", "bytes=0-" + (held - 1));
      }
      r.exchange().sendResponseHeaders(308, -1);
    }
  }

  private synchronized StorageObject objectAfterSession(Session session) {
    ObjectState state = states.get(session.bucket + "/" + session.name);
    return state == null ? new StorageObject().setName(session.name) : resource(session.bucket, session.name, state);
  }

  // --- batches ------------------------------------------------------------------------------------

  /** A JSON-API batch (multipart/mixed of HTTP requests); only deletes are faked. */
  private void batch(Request r) throws IOException {
    List<byte[]> parts = multipartParts(r.header("Content-Type"), r.body());
    if (fault(r, Op.BATCH, String.valueOf(parts.size()))) {
      return;
    }
    String boundary = "batch_" + UUID.randomUUID();
    StringBuilder out = new StringBuilder();
    for (byte[] part : parts) {
      String text = new String(part, StandardCharsets.UTF_8);
      String http = text.substring(text.indexOf("\r\n\r\n") + 4);
      String requestLine = http.substring(0, http.indexOf("\r\n"));
      String[] words = requestLine.split(" ");
      List<String> segments = new ArrayList<>();
      for (String raw : URI.create(words[1]).getRawPath().substring(1).split("/", -1)) {
        segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
      int status;
      String body;
      String project = requiredUserProject;
      if (project != null && !project.equals(query(URI.create(words[1]).getRawQuery()).get("userProject"))) {
        status = 400;
        body = errorJson(400, "fake GCS: userProject " + project + " required in " + requestLine);
      } else if (words[0].equals("DELETE") && segments.size() == 6 && segments.get(4).equals("o")) {
        synchronized (this) {
          log(Op.DELETE.name(), segments.get(3) + "/" + segments.get(5));
        }
        if (take(Op.DELETE.name(), Fault.UNAVAILABLE_503)) {
          status = 503;
        } else if (take(Op.DELETE.name(), Fault.FORBIDDEN_403)) {
          status = 403;
        } else {
          status = deleteObject(segments.get(3), segments.get(5));
        }
        body = status == 204 ? "" : errorJson(status, status == 404 ? "No such object" : "scripted " + status);
      } else {
        status = 400;
        body = errorJson(400, "fake GCS batches only deletes: " + requestLine);
      }
      out.append("--").append(boundary).append("\r\n")
          .append("Content-Type: application/http\r\n")
          .append("Content-ID: <response-").append(parts.indexOf(part) + 1).append(">\r\n\r\n")
          .append("HTTP/1.1 ").append(status).append(status == 204 ? " No Content" : " Error").append("\r\n");
      if (!body.isEmpty()) {
        out.append("Content-Type: application/json; charset=UTF-8\r\n");
      }
      out.append("\r\n").append(body).append("\r\n");
    }
    out.append("--").append(boundary).append("--\r\n");
    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
    r.exchange().getResponseHeaders().add("Content-Type", "multipart/mixed; boundary=" + boundary);
    r.exchange().sendResponseHeaders(200, bytes.length);
    r.exchange().getResponseBody().write(bytes);
  }

  /** The parts of a multipart body, each without its headers. */
  private static List<byte[]> multipartParts(String contentType, byte[] body) {
    Matcher m = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(String.valueOf(contentType));
    if (!m.find()) {
      throw new IllegalArgumentException("no multipart boundary in " + contentType);
    }
    byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.ISO_8859_1);
    List<byte[]> parts = new ArrayList<>();
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break; // the closing delimiter
      }
      start += 2; // CRLF after the delimiter
      int next = indexOf(body, delimiter, start);
      int end = next - 2; // CRLF before the next delimiter
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
      boolean batchPart = new String(body, start, Math.max(0, headersEnd - start), StandardCharsets.ISO_8859_1)
          .toLowerCase(Locale.ROOT).contains("application/http");
      // Batch parts keep their headers' end so the embedded request can be read; others lose them.
      int contentStart = batchPart ? start : headersEnd + 4;
      parts.add(Arrays.copyOfRange(body, contentStart, Math.max(contentStart, end)));
      at = next;
    }
    return parts;
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // --- helpers ------------------------------------------------------------------------------------

  private static Map<String, String> metadataOf(StorageObject object) {
    return object.getMetadata() == null ? Map.of() : new LinkedHashMap<>(object.getMetadata());
  }

  private static StorageObject resource(String bucket, String name, ObjectState state) {
    return new StorageObject()
        .setKind("storage#object")
        .setBucket(bucket)
        .setName(name)
        .setGeneration(state.generation())
        .setMetageneration(1L)
        .setSize(BigInteger.valueOf(state.size()))
        .setUpdated(new com.google.api.client.util.DateTime(state.updatedMillis()))
        .setContentType("application/octet-stream")
        .setMetadata(state.metadata().isEmpty() ? null : state.metadata());
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      query.put(key, value);
    }
    return query;
  }

  private static void sendJson(HttpExchange exchange, int status, Object json) throws IOException {
    byte[] bytes = JSON.toByteArray(json);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String errorJson(int status, String message) {
    return "{\"error\":{\"code\":" + status + ",\"message\":" + quote(message) + ",\"errors\":[{\"message\":"
        + quote(message) + ",\"reason\":\"" + reason(status) + "\"}]}}";
  }

  private static String reason(int status) {
    return switch (status) {
      case 401 -> "required";
      case 403 -> "forbidden";
      case 404 -> "notFound";
      case 412 -> "conditionNotMet";
      case 429 -> "rateLimitExceeded";
      default -> "backendError";
    };
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] json = errorJson(status, message).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, json.length);
    exchange.getResponseBody().write(json);
  }
}
