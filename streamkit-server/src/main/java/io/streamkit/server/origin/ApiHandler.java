package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.title.IllegalTransitionException;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.UnknownTitleException;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.server.ingest.IngestWorkers;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's management API requests. The request head picks the route and checks the admin key; the body
 * then flows chunk by chunk into a {@link RequestBody} (a file for uploads, a bounded buffer for JSON, or nowhere);
 * the answer goes out when the last chunk has arrived, or at once when the head alone decides it (unauthorised,
 * too large). Requests for paths this API does not own are passed on, head and body.
 *
 * <p>Resumable uploads follow tus 1.0.0 core with the creation extension (tus.io/protocols/resumable-upload):
 * POST creates, HEAD reports the offset, PATCH appends at the offset, and an offset mismatch is 409.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {

  static final String TUS_VERSION = "1.0.0";
  private static final String API = "/api/";
  private static final String TITLES = "/api/titles";
  private static final String UPLOADS = "/api/uploads";
  private static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
  private static final int MAX_PAGE_SIZE = 100;
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private final ManagementApi api;
  private boolean passing;
  private Exchange exchange;
  private long lastBodyNanos;
  private ScheduledFuture<?> stallCheck;

  ApiHandler(ManagementApi api) {
    this.api = api;
  }

  /** The request being received: its head, where its body goes, and what to do once it is complete. */
  private static final class Exchange {
    final HttpRequest head;
    final String path;
    final boolean keepAlive;
    RequestBody body = RequestBody.DISCARD;
    Completion completion;
    boolean answered;
    boolean continued;
    Runnable cleanup = () -> { };

    Exchange(HttpRequest head, String path) {
      this.head = head;
      this.path = path;
      this.keepAlive = HttpUtil.isKeepAlive(head);
    }
  }

  @FunctionalInterface
  private interface Completion {
    FullHttpResponse complete() throws Exception;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      String path = new QueryStringDecoder(request.uri()).path();
      if (!owns(path) || !request.decoderResult().isSuccess()) {
        passing = true;
        ctx.fireChannelRead(msg);
        return;
      }
      passing = false;
      exchange = new Exchange(request, path);
      watchForStall(ctx);
      try {
        begin(ctx, exchange);
      } catch (RuntimeException e) {
        answerEarly(ctx, exchange, e);
      }
      if (!(msg instanceof HttpContent)) {
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    if (!(msg instanceof HttpContent content)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (passing || exchange == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    Exchange current = exchange;
    lastBodyNanos = System.nanoTime();
    try {
      if (!current.answered) {
        try {
          current.body.append(content.content());
        } catch (RuntimeException e) {
          answerEarly(ctx, current, e);
        }
      }
    } finally {
      ReferenceCountUtil.release(content);
    }
    if (content instanceof LastHttpContent) {
      exchange = null;
      try {
        if (!current.answered) {
          respond(ctx, current, current.completion.complete());
        }
      } catch (Exception e) {
        answerEarly(ctx, current, e);
      } finally {
        current.cleanup.run();
      }
    }
  }

  /**
   * The origin's client timeouts cover request heads and responses, not bodies; this closes a connection whose body
   * stopped arriving (a vanished uploader), like nginx's {@code client_body_timeout}. A tus upload keeps the bytes
   * that arrived, so the client resumes from there.
   */
  private void watchForStall(ChannelHandlerContext ctx) {
    lastBodyNanos = System.nanoTime();
    if (stallCheck != null) {
      return;
    }
    long period = api.bodyStallTimeout.toNanos() / 4;
    stallCheck = ctx.executor().scheduleAtFixedRate(() -> {
      if (exchange != null && System.nanoTime() - lastBodyNanos > api.bodyStallTimeout.toNanos()) {
        LOG.info("closing a connection whose {} body stalled for {}", exchange.path, api.bodyStallTimeout);
        ctx.close();
      }
    }, period, period, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (stallCheck != null) {
      stallCheck.cancel(false);
    }
    Exchange current = exchange;
    if (current != null) {
      exchange = null;
      current.body.abandon();
      current.cleanup.run();
    }
    ctx.fireChannelInactive();
  }

  private static boolean owns(String path) {
    if (path.equals(UPLOADS) || path.startsWith(UPLOADS + "/")) {
      return true;
    }
    if (path.equals(TITLES) || path.startsWith(TITLES + "/")) {
      return !path.endsWith("/analytics");
    }
    return false;
  }

  // ---- routing

  private void begin(ChannelHandlerContext ctx, Exchange ex) {
    HttpMethod method = ex.head.method();
    boolean tus = ex.path.startsWith(UPLOADS);
    if (tus && method.equals(HttpMethod.OPTIONS)) {
      ex.completion = this::tusOptions;
      return;
    }
    if (!api.authorises(ex.head.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
          "this endpoint needs the admin key: send Authorization: Bearer <admin key>");
    }
    String[] parts = ex.path.substring(API.length()).split("/", -1);
    if (tus) {
      beginTus(ex, method, parts);
    } else {
      beginTitles(ex, method, parts);
    }
    if (HttpUtil.is100ContinueExpected(ex.head)) {
      ex.continued = true;
      continueBody(ctx);
    }
  }

  private void beginTitles(Exchange ex, HttpMethod method, String[] parts) {
    if (parts.length == 1) {
      if (method.equals(HttpMethod.GET)) {
        ex.completion = () -> list(ex);
      } else if (method.equals(HttpMethod.POST)) {
        beginUpload(ex);
      } else {
        throw notAllowed(method, "GET, POST");
      }
      return;
    }
    UUID id = titleId(parts[1]);
    if (parts.length == 2) {
      if (method.equals(HttpMethod.GET)) {
        ex.completion = () -> ok(TitleJson.of(api.json, title(id)));
      } else if (method.equals(HttpMethod.DELETE)) {
        ex.completion = () -> delete(id);
      } else {
        throw notAllowed(method, "GET, DELETE");
      }
      return;
    }
    if (parts.length != 3 || !method.equals(HttpMethod.POST)) {
      throw parts.length == 3 ? notAllowed(method, "POST") : ApiException.notFound("no API endpoint at " + ex.path);
    }
    RequestBody.Small body = new RequestBody.Small(ManagementApi.MAX_JSON_BODY_BYTES);
    ex.body = body;
    switch (parts[2]) {
      case "publish" -> ex.completion = () -> move(id, TitleStatus.PUBLISHED);
      case "reject" -> ex.completion = () -> reject(id, jsonObject(body));
      case "playback" -> ex.completion = () -> playback(id, jsonObject(body));
      default -> throw ApiException.notFound("no API endpoint at " + ex.path);
    }
  }

  private void beginTus(Exchange ex, HttpMethod method, String[] parts) {
    String version = ex.head.headers().get("Tus-Resumable");
    if (!TUS_VERSION.equals(version)) {
      throw new ApiException(HttpResponseStatus.PRECONDITION_FAILED, "tus_version",
          "resumable uploads speak tus " + TUS_VERSION + "; send the header Tus-Resumable: " + TUS_VERSION);
    }
    if (parts.length == 1) {
      if (!method.equals(HttpMethod.POST)) {
        throw notAllowed(method, "POST, OPTIONS");
      }
      ex.completion = () -> tusCreate(ex.head.headers());
      return;
    }
    if (parts.length != 2) {
      throw ApiException.notFound("no API endpoint at " + ex.path);
    }
    TusUploads.Upload upload = api.tus.find(parts[1])
        .orElseThrow(() -> ApiException.notFound("upload " + parts[1] + " does not exist (finished, deleted or never"
            + " created); start a new one with POST " + UPLOADS));
    if (method.equals(HttpMethod.HEAD)) {
      ex.completion = () -> tus(HttpResponseStatus.OK)
          .set("Upload-Offset", upload.offset()).set("Upload-Length", upload.length()).response;
    } else if (method.equals(HttpMethod.DELETE)) {
      ex.completion = () -> {
        api.tus.delete(upload.id());
        return tus(HttpResponseStatus.NO_CONTENT).response;
      };
    } else if (method.equals(HttpMethod.PATCH)) {
      beginPatch(ex, upload);
    } else {
      throw notAllowed(method, "HEAD, PATCH, DELETE");
    }
  }

  /**
   * Sends the interim {@code 100 Continue} (RFC 9110 §15.2.1) as raw bytes below the codec: as an HTTP response
   * object it would pass the request-cycle handler, which would take it for the end of the exchange and put the
   * connection's timeouts back to waiting for a new request head while the upload body is still arriving.
   */
  private static void continueBody(ChannelHandlerContext ctx) {
    ChannelHandlerContext codec = ctx.pipeline().context(HttpServerCodec.class);
    byte[] line = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    if (codec != null) {
      codec.writeAndFlush(Unpooled.wrappedBuffer(line));
    } else {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
  }

  // ---- titles

  private FullHttpResponse list(Exchange ex) {
    QueryStringDecoder query = new QueryStringDecoder(ex.head.uri());
    int page = intParameter(query, "page", 0, 0, 1_000_000);
    int size = intParameter(query, "size", 20, 1, MAX_PAGE_SIZE);
    String statusText = parameter(query, "status");
    TitleStatus status = null;
    if (statusText != null && !statusText.isEmpty()) {
      try {
        status = TitleStatus.valueOf(statusText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("status '" + statusText + "' is not one of " + List.of(TitleStatus.values()));
      }
    }
    PageRequest request = new PageRequest(page * size, size);
    Page<Title> titles = status == null ? api.store.catalog().list(request) : api.store.catalog().list(status, request);
    ObjectNode body = api.json.createObjectNode();
    ArrayNode items = body.putArray("items");
    titles.items().forEach(t -> items.add(TitleJson.of(api.json, t)));
    body.put("page", page).put("size", size).put("total", count(status));
    return ok(body);
  }

  /** The catalog pages without a total; the API promises one, counted here. */
  private long count(TitleStatus status) {
    String sql = "SELECT COUNT(*) FROM streamkit_titles" + (status == null ? "" : " WHERE status = ?");
    try (Connection connection = api.store.dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      if (status != null) {
        statement.setString(1, status.name());
      }
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count titles: " + e.getMessage(), e);
    }
  }

  private Title title(UUID id) {
    return api.store.catalog().get(id).orElseThrow(() -> unknownTitle(id));
  }

  private FullHttpResponse delete(UUID id) throws IOException {
    title(id);
    if (api.workers != null) {
      api.workers.cancel(id);
    }
    api.queue.cancel(id);
    api.store.catalog().delete(id);
    deleteTree(api.dataDirectory.resolve(IngestWorkers.TITLES).resolve(id.toString()));
    Files.deleteIfExists(IngestWorkers.sourceFile(api.dataDirectory, id));
    return empty(HttpResponseStatus.NO_CONTENT);
  }

  private FullHttpResponse move(UUID id, TitleStatus target) {
    try {
      return ok(TitleJson.of(api.json, api.store.catalog().transition(id, target)));
    } catch (IllegalTransitionException e) {
      throw ApiException.conflict("illegal_transition", "title " + id + " is " + title(id).status() + " and cannot"
          + " become " + target + "; allowed next: " + title(id).status().allowedNext());
    }
  }

  private FullHttpResponse reject(UUID id, JsonNode body) {
    String reason = body.path("reason").asText("").trim();
    if (reason.isEmpty() || reason.length() > 1000) {
      throw ApiException.badRequest("reject needs {\"reason\": \"...\"} of 1 to 1000 characters");
    }
    FullHttpResponse response = move(id, TitleStatus.REJECTED);
    LOG.info("title {} rejected: {}", id, reason);
    return response;
  }

  private FullHttpResponse playback(UUID id, JsonNode body) {
    if (api.signer == null) {
      throw new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "no_signing_key", "this server holds only a public"
          + " key and cannot sign tokens; start it with an HS256 --signing-key or sign tokens in your application");
    }
    Title title = title(id);
    boolean preview = title.status() == TitleStatus.READY;
    if (!preview && title.status() != TitleStatus.PUBLISHED) {
      throw ApiException.conflict("not_playable", "title " + id + " is " + title.status() + "; only PUBLISHED titles"
          + " (or READY ones, for an admin preview) can be played");
    }
    String viewer = body.path("viewerId").asText("");
    long ttl = body.path("ttlSeconds").asLong(ManagementApi.DEFAULT_TOKEN_TTL.toSeconds());
    if (ttl < 1 || ttl > ManagementApi.MAX_TOKEN_TTL.toSeconds()) {
      throw ApiException.badRequest("ttlSeconds must be between 1 and " + ManagementApi.MAX_TOKEN_TTL.toSeconds()
          + ", got " + ttl);
    }
    Instant expires = Instant.now().plusSeconds(ttl);
    PlaybackClaims claims;
    try {
      PlaybackClaims.Builder b = PlaybackClaims.builder().viewer(viewer).title(id.toString()).expiresAt(expires)
          .issuedAt(Instant.now()).preview(preview);
      if (body.hasNonNull("maxHeight")) {
        b.maxHeight(body.get("maxHeight").asInt(-1));
      }
      claims = b.build();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("playback request: " + e.getMessage());
    }
    String token = api.signer.sign(claims);
    String base = api.publicBaseUrl == null ? "" : api.publicBaseUrl;
    ObjectNode out = api.json.createObjectNode();
    out.put("token", token);
    out.put("masterUrl", base + "/titles/" + id + "/master.m3u8?token=" + token);
    out.put("playerUrl", base + "/play/" + id + "?token=" + token);
    out.put("expiresAt", expires.truncatedTo(ChronoUnit.SECONDS).toString());
    out.put("preview", preview);
    return ok(out);
  }

  // ---- whole-body upload

  private void beginUpload(Exchange ex) {
    HttpHeaders headers = ex.head.headers();
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
    String mediaType = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.startsWith("video/") && !mediaType.equals("application/octet-stream")) {
      throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
          "upload Content-Type '" + type + "' is not a video; send video/* or application/octet-stream");
    }
    long declared = HttpUtil.getContentLength(ex.head, -1L);
    if (declared > api.maxUploadBytes) {
      throw tooLarge(declared);
    }
    String name = decodedHeader(headers, "X-Title-Name", "Untitled");
    String description = decodedHeader(headers, "X-Title-Description", "");
    checkTitleText(name, description);
    Path incoming = api.uploads.resolve(ManagementApi.INCOMING_PREFIX + UUID.randomUUID());
    RequestBody.ToFile body = new RequestBody.ToFile(incoming, api.maxUploadBytes, false, true);
    ex.body = body;
    ex.completion = () -> {
      body.finish();
      if (body.written() == 0) {
        Files.deleteIfExists(incoming);
        throw ApiException.badRequest("the upload is empty; send the video file as the request body");
      }
      Title title = admit(incoming, name, description);
      FullHttpResponse response = json(HttpResponseStatus.ACCEPTED, TitleJson.of(api.json, title));
      response.headers().set(HttpHeaderNames.LOCATION, TITLES + "/" + title.id());
      return response;
    };
  }

  /** Turns a complete upload into a title: catalog row, source moved into place, ingest job queued. */
  private Title admit(Path file, String name, String description) throws IOException {
    Title title;
    try {
      title = api.store.catalog().create(name, description);
    } catch (RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    Path source = IngestWorkers.sourceFile(api.dataDirectory, title.id());
    Files.move(file, source, StandardCopyOption.ATOMIC_MOVE);
    api.queue.enqueue(title.id(), source.toString());
    LOG.info("title {} uploaded ({} bytes): queued for transcoding", title.id(), Files.size(source));
    return title;
  }

  // ---- tus

  private FullHttpResponse tusOptions() {
    return tus(HttpResponseStatus.NO_CONTENT).set("Tus-Version", TUS_VERSION)
        .set("Tus-Max-Size", api.maxUploadBytes).set("Tus-Extension", "creation").response;
  }

  private FullHttpResponse tusCreate(HttpHeaders headers) {
    String lengthText = headers.get("Upload-Length");
    long length;
    try {
      length = Long.parseLong(lengthText == null ? "" : lengthText.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Upload-Length '" + lengthText + "' is not a byte count; send the file size");
    }
    if (length < 1) {
      throw ApiException.badRequest("Upload-Length must be at least 1 byte, got " + length);
    }
    if (length > api.maxUploadBytes) {
      throw tooLarge(length);
    }
    Map<String, String> metadata = tusMetadata(headers.get("Upload-Metadata"));
    String name = metadata.getOrDefault("name", metadata.getOrDefault("filename", "Untitled"));
    String description = metadata.getOrDefault("description", "");
    checkTitleText(name, description);
    TusUploads.Upload upload = api.tus.create(length, name, description);
    return tus(HttpResponseStatus.CREATED).set(HttpHeaderNames.LOCATION, UPLOADS + "/" + upload.id())
        .set("Upload-Offset", 0).response;
  }

  private void beginPatch(Exchange ex, TusUploads.Upload upload) {
    HttpHeaders headers = ex.head.headers();
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
    if (!type.trim().toLowerCase(Locale.ROOT).startsWith(OFFSET_OCTET_STREAM)) {
      throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
          "PATCH bodies must be sent as Content-Type: " + OFFSET_OCTET_STREAM + ", got '" + type + "'");
    }
    if (!api.tus.lock(upload.id())) {
      throw ApiException.conflict("upload_busy", "another request is writing upload " + upload.id()
          + "; wait for it to end, then HEAD the upload for its offset");
    }
    ex.cleanup = () -> api.tus.unlock(upload.id());
    long offset = upload.offset();
    String claimed = headers.get("Upload-Offset");
    if (claimed == null || !claimed.trim().equals(Long.toString(offset))) {
      throw new ApiException(HttpResponseStatus.CONFLICT, "offset_mismatch", "Upload-Offset " + claimed
          + " does not match the " + offset + " bytes stored for upload " + upload.id() + "; HEAD it and resume"
          + " from Upload-Offset");
    }
    RequestBody.ToFile body = new RequestBody.ToFile(upload.data(), upload.length() - offset, true, false);
    ex.body = body;
    ex.completion = () -> {
      body.finish();
      long now = offset + body.written();
      Responder response = tus(HttpResponseStatus.NO_CONTENT).set("Upload-Offset", now);
      if (now == upload.length()) {
        Path file = api.uploads.resolve(ManagementApi.INCOMING_PREFIX + upload.id());
        Files.move(upload.data(), file, StandardCopyOption.ATOMIC_MOVE);
        api.tus.delete(upload.id());
        Title title = admit(file, upload.name(), upload.description());
        response.set("X-Title-Id", title.id().toString());
      }
      return response.response;
    };
  }

  private static Map<String, String> tusMetadata(String header) {
    Map<String, String> values = new HashMap<>();
    if (header == null || header.isBlank()) {
      return values;
    }
    for (String pair : header.split(",")) {
      String[] kv = pair.trim().split(" ", 2);
      try {
        values.put(kv[0], kv.length == 2
            ? new String(Base64.getDecoder().decode(kv[1].trim()), StandardCharsets.UTF_8) : "");
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("Upload-Metadata value of '" + kv[0] + "' is not base64; encode each value");
      }
    }
    return values;
  }

  private Responder tus(HttpResponseStatus status) {
    return new Responder(empty(status)).set("Tus-Resumable", TUS_VERSION);
  }

  /** Sets headers on a response in a chain. */
  private record Responder(FullHttpResponse response) {
    Responder set(CharSequence name, Object value) {
      response.headers().set(name, value);
      return this;
    }
  }

  // ---- input

  private static UUID titleId(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("title '" + text + "' does not exist; title ids are UUIDs from GET " + TITLES);
    }
  }

  private static ApiException unknownTitle(UUID id) {
    return ApiException.notFound("title " + id + " does not exist; list titles with GET " + TITLES);
  }

  private ApiException tooLarge(long bytes) {
    return ApiException.tooLarge("the upload of " + bytes + " bytes is larger than the " + api.maxUploadBytes
        + " bytes allowed; upload a smaller file or raise --max-upload-bytes");
  }

  private static ApiException notAllowed(HttpMethod method, String allowed) {
    return new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
        method + " is not supported here; use " + allowed);
  }

  private JsonNode jsonObject(RequestBody.Small body) {
    byte[] bytes = body.bytes();
    if (bytes.length == 0) {
      return api.json.createObjectNode();
    }
    try {
      JsonNode node = api.json.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw ApiException.badRequest("the request body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw ApiException.badRequest("the request body is not valid JSON ("
          + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  private static String decodedHeader(HttpHeaders headers, String name, String fallback) {
    String value = headers.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8).trim();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(name + " is not URL-encoded UTF-8 (" + e.getMessage() + ")");
    }
  }

  private static void checkTitleText(String name, String description) {
    if (name.isBlank() || name.length() > Title.MAX_NAME_LENGTH) {
      throw ApiException.badRequest("the title name must be 1 to " + Title.MAX_NAME_LENGTH + " characters, got "
          + name.length());
    }
    if (description.length() > Title.MAX_DESCRIPTION_LENGTH) {
      throw ApiException.badRequest("the title description must be at most " + Title.MAX_DESCRIPTION_LENGTH
          + " characters, got " + description.length());
    }
  }

  private static int intParameter(QueryStringDecoder query, String name, int fallback, int min, int max) {
    String text = parameter(query, name);
    if (text == null || text.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest("query parameter " + name + " must be a whole number from " + min + " to " + max
        + ", got '" + text + "'");
  }

  private static String parameter(QueryStringDecoder query, String name) {
    List<String> values = query.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  // ---- output

  private FullHttpResponse ok(JsonNode body) {
    return json(HttpResponseStatus.OK, body);
  }

  private FullHttpResponse json(HttpResponseStatus status, JsonNode body) {
    byte[] bytes;
    try {
      bytes = api.json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }

  private static FullHttpResponse empty(HttpResponseStatus status) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }

  /**
   * Answers before or instead of the normal completion. The rest of the body is read and dropped so the connection
   * stays usable; a client that asked {@code Expect: 100-continue} never sends it, so that connection is closed.
   */
  private void answerEarly(ChannelHandlerContext ctx, Exchange ex, Throwable failure) {
    ex.body.abandon();
    ex.body = RequestBody.DISCARD;
    ex.answered = true;
    ApiException error = asApiError(failure);
    ObjectNode body = api.json.createObjectNode().put("error", error.code).put("message", error.getMessage());
    FullHttpResponse response = json(error.status, body);
    if (error.status.equals(HttpResponseStatus.PRECONDITION_FAILED)) {
      response.headers().set("Tus-Version", TUS_VERSION);
    }
    if (ex.path.startsWith(UPLOADS)) {
      response.headers().set("Tus-Resumable", TUS_VERSION);
    }
    boolean close = HttpUtil.is100ContinueExpected(ex.head) && !ex.continued;
    send(ctx, ex, response, close);
  }

  private static ApiException asApiError(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof UnknownTitleException) {
      return ApiException.notFound(failure.getMessage());
    }
    if (failure instanceof InvalidValueException) {
      return ApiException.badRequest(failure.getMessage());
    }
    if (failure instanceof IllegalTransitionException) {
      return ApiException.conflict("illegal_transition", failure.getMessage());
    }
    LOG.error("management API request failed", failure);
    return new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
        "the server could not complete the request; the server log has the details");
  }

  private void respond(ChannelHandlerContext ctx, Exchange ex, FullHttpResponse response) {
    ex.answered = true;
    send(ctx, ex, response, false);
  }

  private static void send(ChannelHandlerContext ctx, Exchange ex, FullHttpResponse response, boolean close) {
    boolean keepAlive = ex.keepAlive && !close;
    HttpUtil.setKeepAlive(response, keepAlive);
    if (ex.head.method().equals(HttpMethod.HEAD)) {
      response.content().clear();
    }
    var written = ctx.writeAndFlush(response);
    if (close) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
