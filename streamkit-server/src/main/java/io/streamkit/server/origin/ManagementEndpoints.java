package io.streamkit.server.origin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.title.IllegalTransitionException;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.server.ingest.IngestWorkers;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API's endpoints (see {@code docs/openapi.yaml}), authorised by the admin key:
 *
 * <pre>
 *  GET    /api/titles                       list, paged, optionally by status
 *  POST   /api/titles                       whole-body upload → title UPLOADED, ingest job queued, 202
 *  GET    /api/titles/{id}                  one title
 *  DELETE /api/titles/{id}                  stop its transcode, remove it and its files
 *  POST   /api/titles/{id}/publish          READY → PUBLISHED
 *  POST   /api/titles/{id}/reject           → REJECTED with {"reason": "..."}
 *  POST   /api/titles/{id}/playback         a playback token and URLs
 *  OPTIONS, POST /api/uploads               tus 1.0 discovery and creation
 *  HEAD, PATCH, DELETE /api/uploads/{id}    tus offset, append, termination
 * </pre>
 *
 * Upload bodies go to a file chunk by chunk as they arrive, so memory stays flat however large the upload; like
 * everything else here that touches the disk or the database, they are written on the API executor.
 *
 * <p>Resumable uploads follow tus 1.0.0 core with the creation and termination extensions
 * (tus.io/protocols/resumable-upload): POST creates, HEAD reports the offset, PATCH appends at the offset (an offset
 * mismatch is 409, a body longer than what remains is 413 before a byte is stored), DELETE ends an upload.
 */
final class ManagementEndpoints implements ApiEndpoints {

  static final String TUS_VERSION = "1.0.0";
  static final String TUS_EXTENSIONS = "creation,termination";
  static final String TITLES = "titles";
  static final String UPLOADS = "uploads";
  private static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
  private static final int MAX_PAGE_SIZE = 100;
  private static final Logger LOG = LoggerFactory.getLogger(ManagementEndpoints.class);

  private final ManagementApi api;
  private final TitleVisibility visibility;

  ManagementEndpoints(ManagementApi api, TitleVisibility visibility) {
    this.api = api;
    this.visibility = visibility;
  }

  @Override
  public ApiExchange open(ApiCall call) {
    if (call.size() == 0) {
      return null;
    }
    String family = call.segment(0);
    boolean tus = family.equals(UPLOADS);
    if (!tus && !(family.equals(TITLES) && !(call.size() == 3 && call.segment(2).equals("analytics")))) {
      return null;
    }
    HttpMethod method = call.method();
    if (tus && method.equals(HttpMethod.OPTIONS)) {
      return ApiExchange.withoutBody(() -> call.respond(tus(HttpResponseStatus.NO_CONTENT)
          .set("Tus-Version", TUS_VERSION).set("Tus-Max-Size", api.maxUploadBytes)
          .set("Tus-Extension", TUS_EXTENSIONS).response));
    }
    if (!api.authorises(call.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
          "this endpoint needs the admin key: send Authorization: Bearer <admin key>");
    }
    return tus ? openTus(call, method) : openTitles(call, method);
  }

  // ---- titles

  private ApiExchange openTitles(ApiCall call, HttpMethod method) {
    if (call.size() == 1) {
      if (method.equals(HttpMethod.GET)) {
        return ApiExchange.withoutBody(() -> list(call));
      }
      if (method.equals(HttpMethod.POST)) {
        return new WholeUpload(call);
      }
      throw notAllowed(method, "GET, POST");
    }
    UUID id = titleId(call.segment(1));
    if (call.size() == 2) {
      if (method.equals(HttpMethod.GET)) {
        return ApiExchange.withoutBody(() -> call.respond(HttpResponseStatus.OK, TitleJson.of(title(id))));
      }
      if (method.equals(HttpMethod.DELETE)) {
        return ApiExchange.withoutBody(() -> delete(call, id));
      }
      throw notAllowed(method, "GET, DELETE");
    }
    if (call.size() != 3) {
      throw ApiException.notFound("no API endpoint at " + call.describe());
    }
    if (!method.equals(HttpMethod.POST)) {
      throw notAllowed(method, "POST");
    }
    return switch (call.segment(2)) {
      case "publish" -> ApiExchange.withoutBody(() -> call.respond(HttpResponseStatus.OK,
          TitleJson.of(move(id, TitleStatus.PUBLISHED))));
      case "reject" -> ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> reject(call, id,
          jsonObject(body)));
      case "playback" -> ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> playback(call, id,
          jsonObject(body)));
      default -> throw ApiException.notFound("no API endpoint at " + call.describe());
    };
  }

  private void list(ApiCall call) {
    int page = intParameter(call, "page", 0, 0, 1_000_000);
    int size = intParameter(call, "size", 20, 1, MAX_PAGE_SIZE);
    String statusText = call.queryParameter("status");
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
    ObjectNode body = Responses.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    titles.items().forEach(t -> items.add(TitleJson.of(t)));
    body.put("page", page).put("size", size).put("total", count(status));
    call.respond(HttpResponseStatus.OK, body);
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

  private void delete(ApiCall call, UUID id) throws IOException {
    title(id);
    if (api.workers != null) {
      api.workers.cancel(id);
    }
    api.queue.cancel(id);
    api.store.catalog().delete(id);
    visibility.invalidate(id.toString());
    IngestWorkers.deleteTitleFiles(api.dataDirectory, id);
    call.respond(HttpResponseStatus.NO_CONTENT, null);
  }

  private Title move(UUID id, TitleStatus target) {
    try {
      Title moved = api.store.catalog().transition(id, target);
      visibility.invalidate(id.toString());
      return moved;
    } catch (IllegalTransitionException e) {
      TitleStatus now = title(id).status();
      throw ApiException.conflict("illegal_transition", "title " + id + " is " + now + " and cannot become "
          + target + "; allowed next: " + now.allowedNext());
    }
  }

  private void reject(ApiCall call, UUID id, JsonNode body) {
    String reason = body.path("reason").asText("").trim();
    if (reason.isEmpty() || reason.length() > 1000) {
      throw ApiException.badRequest("reject needs {\"reason\": \"...\"} of 1 to 1000 characters");
    }
    Title rejected = move(id, TitleStatus.REJECTED);
    LOG.info("title {} rejected: {}", id, LogText.escape(reason));
    call.respond(HttpResponseStatus.OK, TitleJson.of(rejected));
  }

  private void playback(ApiCall call, UUID id, JsonNode body) {
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
    ObjectNode out = Responses.MAPPER.createObjectNode();
    out.put("token", token);
    out.put("masterUrl", base + "/titles/" + id + "/master.m3u8?token=" + token);
    out.put("playerUrl", base + "/play/" + id + "?token=" + token);
    out.put("expiresAt", expires.truncatedTo(ChronoUnit.SECONDS).toString());
    out.put("preview", preview);
    call.respond(HttpResponseStatus.OK, out);
  }

  /**
   * Turns a complete upload into a title: catalog row, source moved into place, ingest job queued. All or nothing: on
   * a failure the row is removed and the file is back where it was, for the caller to keep or delete.
   */
  private Title admit(Path file, String name, String description) throws IOException {
    Title title = api.store.catalog().create(name, description);
    Path source = IngestWorkers.sourceFile(api.dataDirectory, title.id());
    try {
      Files.move(file, source, StandardCopyOption.ATOMIC_MOVE);
      try {
        api.queue.enqueue(title.id(), source.toString());
      } catch (RuntimeException e) {
        Files.move(source, file, StandardCopyOption.ATOMIC_MOVE);
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      api.store.catalog().delete(title.id());
      throw e;
    }
    LOG.info("title {} uploaded ({} bytes): queued for transcoding", title.id(), Files.size(source));
    return title;
  }

  /** {@code POST /api/titles}: the request body is the video; name and description come in headers. */
  private final class WholeUpload implements ApiExchange {
    private final ApiCall call;
    private final String name;
    private final String description;
    private UploadFile file;

    WholeUpload(ApiCall call) {
      this.call = call;
      HttpHeaders headers = call.headers();
      String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
      String mediaType = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
      if (!mediaType.startsWith("video/") && !mediaType.equals("application/octet-stream")) {
        throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
            "upload Content-Type '" + LogText.escape(type) + "' is not a video; send video/* or"
                + " application/octet-stream");
      }
      this.name = decodedHeader(headers, "X-Title-Name", "Untitled");
      this.description = decodedHeader(headers, "X-Title-Description", "");
      checkTitleText(name, description);
    }

    @Override
    public long maxBodyBytes() {
      return api.maxUploadBytes;
    }

    @Override
    public ApiException tooLarge(String request, long declared) {
      return ApiException.tooLarge("the upload of " + declared + " bytes is larger than the " + api.maxUploadBytes
          + " bytes this server takes; upload a smaller file or raise --max-upload-bytes");
    }

    @Override
    public void begin() throws IOException {
      file = UploadFile.create(api.uploads.resolve(ManagementApi.INCOMING_PREFIX + UUID.randomUUID()));
    }

    @Override
    public void body(ByteBuf chunk) {
      file.append(chunk, api.maxUploadBytes, "the upload is larger than the " + api.maxUploadBytes + " bytes this"
          + " server takes; upload a smaller file or raise --max-upload-bytes");
    }

    @Override
    public void complete() throws IOException {
      file.close();
      if (file.written() == 0) {
        file.delete();
        throw ApiException.badRequest("the upload is empty; send the video file as the request body");
      }
      Title title = admit(file.path(), name, description);
      FullHttpResponse response = Responses.json(HttpResponseStatus.ACCEPTED, TitleJson.of(title));
      response.headers().set(HttpHeaderNames.LOCATION, "/api/titles/" + title.id());
      call.respond(response);
    }

    @Override
    public void abandon() {
      if (file != null) {
        file.delete();
      }
    }
  }

  // ---- tus

  private ApiExchange openTus(ApiCall call, HttpMethod method) {
    call.alwaysSet("Tus-Resumable", TUS_VERSION);
    if (!TUS_VERSION.equals(call.headers().get("Tus-Resumable"))) {
      call.alwaysSet("Tus-Version", TUS_VERSION);
      throw new ApiException(HttpResponseStatus.PRECONDITION_FAILED, "tus_version",
          "resumable uploads speak tus " + TUS_VERSION + "; send the header Tus-Resumable: " + TUS_VERSION);
    }
    if (call.size() == 1) {
      if (!method.equals(HttpMethod.POST)) {
        throw notAllowed(method, "POST, OPTIONS");
      }
      return tusCreate(call);
    }
    if (call.size() != 2) {
      throw ApiException.notFound("no API endpoint at " + call.describe());
    }
    String id = call.segment(1);
    if (method.equals(HttpMethod.HEAD)) {
      return ApiExchange.withoutBody(() -> {
        TusUploads.Upload upload = upload(id);
        call.respond(tus(HttpResponseStatus.OK).set("Upload-Offset", upload.offset())
            .set("Upload-Length", upload.length()).response);
      });
    }
    if (method.equals(HttpMethod.DELETE)) {
      return ApiExchange.withoutBody(() -> {
        upload(id);
        if (!api.tus.lock(id)) {
          throw busy(id);
        }
        try {
          api.tus.delete(id);
        } finally {
          api.tus.unlock(id);
        }
        call.respond(tus(HttpResponseStatus.NO_CONTENT).response);
      });
    }
    if (method.equals(HttpMethod.PATCH)) {
      return new TusPatch(call, id);
    }
    throw notAllowed(method, "HEAD, PATCH, DELETE");
  }

  private ApiExchange tusCreate(ApiCall call) {
    HttpHeaders headers = call.headers();
    String lengthText = headers.get("Upload-Length");
    long length;
    try {
      length = Long.parseLong(lengthText == null ? "" : lengthText.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Upload-Length '" + LogText.escape(lengthText) + "' is not a byte count; send"
          + " the file size");
    }
    if (length < 1) {
      throw ApiException.badRequest("Upload-Length must be at least 1 byte, got " + length);
    }
    if (length > api.maxUploadBytes) {
      throw ApiException.tooLarge("the upload of " + length + " bytes is larger than the " + api.maxUploadBytes
          + " bytes this server takes; upload a smaller file or raise --max-upload-bytes");
    }
    Map<String, String> metadata = tusMetadata(headers.get("Upload-Metadata"));
    String name = metadata.getOrDefault("name", metadata.getOrDefault("filename", "Untitled")).trim();
    String description = metadata.getOrDefault("description", "").trim();
    checkTitleText(name, description);
    return ApiExchange.withoutBody(() -> {
      TusUploads.Upload upload = api.tus.create(length, name, description);
      call.respond(tus(HttpResponseStatus.CREATED).set(HttpHeaderNames.LOCATION, "/api/uploads/" + upload.id())
          .set("Upload-Offset", 0).response);
    });
  }

  /** {@code PATCH /api/uploads/{id}}: appends the body at the stored offset. */
  private final class TusPatch implements ApiExchange {
    private final ApiCall call;
    private final String id;
    private TusUploads.Upload upload;
    private long offset;
    private UploadFile file;

    TusPatch(ApiCall call, String id) {
      this.call = call;
      this.id = id;
      String type = call.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
      if (!type.trim().toLowerCase(Locale.ROOT).startsWith(OFFSET_OCTET_STREAM)) {
        throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
            "PATCH bodies must be sent as Content-Type: " + OFFSET_OCTET_STREAM + ", got '" + LogText.escape(type)
                + "'");
      }
    }

    @Override
    public long maxBodyBytes() {
      return api.maxUploadBytes;
    }

    @Override
    public void begin() throws IOException {
      upload = upload(id);
      if (!api.tus.lock(id)) {
        throw busy(id);
      }
      try {
        offset = upload.offset();
        String claimed = call.headers().get("Upload-Offset");
        if (claimed == null || !claimed.trim().equals(Long.toString(offset))) {
          throw new ApiException(HttpResponseStatus.CONFLICT, "offset_mismatch", "Upload-Offset "
              + LogText.escape(claimed) + " does not match the " + offset + " bytes stored for upload " + id
              + "; HEAD it and resume from Upload-Offset");
        }
        long declared = ApiHandler.contentLength(call.headers());
        if (declared > upload.length() - offset) {
          throw ApiException.tooLarge("this PATCH sends " + declared + " bytes, but upload " + id + " was created"
              + " with Upload-Length " + upload.length() + " and has " + (upload.length() - offset) + " bytes to"
              + " go; send only the rest of the file");
        }
        file = UploadFile.append(upload.data());
      } catch (IOException | RuntimeException e) {
        api.tus.unlock(id);
        upload = null;
        throw e;
      }
    }

    @Override
    public void body(ByteBuf chunk) {
      file.append(chunk, upload.length() - offset, "this PATCH sends more than the " + (upload.length() - offset)
          + " bytes upload " + id + " has to go (Upload-Length " + upload.length() + "); the bytes before the"
          + " refused chunk were kept: HEAD the upload and send only the rest of the file");
    }

    @Override
    public void complete() throws IOException {
      try {
        file.close();
        long now = offset + file.written();
        Responder response = tus(HttpResponseStatus.NO_CONTENT).set("Upload-Offset", now);
        if (now == upload.length()) {
          // Validated when the upload was created; checked again, so a bad name never costs the bytes.
          checkTitleText(upload.name(), upload.description());
          Path incoming = api.uploads.resolve(ManagementApi.INCOMING_PREFIX + upload.id());
          Files.move(upload.data(), incoming, StandardCopyOption.ATOMIC_MOVE);
          Title title;
          try {
            title = admit(incoming, upload.name(), upload.description());
          } catch (RuntimeException e) {
            Files.move(incoming, upload.data(), StandardCopyOption.ATOMIC_MOVE);
            throw e;
          }
          api.tus.delete(upload.id());
          response.set("X-Title-Id", title.id().toString());
        }
        call.respond(response.response);
      } finally {
        api.tus.unlock(id);
        upload = null;
      }
    }

    @Override
    public void abandon() {
      if (upload != null) {
        if (file != null) {
          file.close();
        }
        api.tus.unlock(id);
        upload = null;
      }
    }
  }

  private TusUploads.Upload upload(String id) {
    return api.tus.find(id).orElseThrow(() -> ApiException.notFound("upload " + id + " does not exist (finished,"
        + " expired, deleted or never created); start a new one with POST /api/uploads"));
  }

  private static ApiException busy(String id) {
    return ApiException.conflict("upload_busy", "another request is writing upload " + id + "; wait for it to end,"
        + " then HEAD the upload for its offset");
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
        throw ApiException.badRequest("Upload-Metadata value of '" + LogText.escape(kv[0]) + "' is not base64;"
            + " encode each value");
      }
    }
    return values;
  }

  private static Responder tus(HttpResponseStatus status) {
    return new Responder(Responses.full(status, new byte[0], Responses.JSON, Responses.NO_STORE))
        .set("Tus-Resumable", TUS_VERSION);
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
      throw ApiException.notFound("title '" + text + "' does not exist; title ids are UUIDs from GET /api/titles");
    }
  }

  private static ApiException unknownTitle(UUID id) {
    return ApiException.notFound("title " + id + " does not exist; list titles with GET /api/titles");
  }

  private static ApiException notAllowed(HttpMethod method, String allowed) {
    return ApiException.methodNotAllowed(method + " is not supported here; use " + allowed, allowed);
  }

  private static JsonNode jsonObject(byte[] bytes) {
    if (bytes.length == 0) {
      return Responses.MAPPER.createObjectNode();
    }
    try {
      JsonNode node = Responses.MAPPER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw ApiException.badRequest("the request body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the request body is not valid JSON ("
          + LogText.escape(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      throw ApiException.badRequest("the request body is not valid JSON");
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
      throw ApiException.badRequest(name + " is not URL-encoded UTF-8; percent-encode the value");
    }
  }

  static void checkTitleText(String name, String description) {
    checkNoControlCharacters("name", name, false);
    checkNoControlCharacters("description", description, true);
    if (name.isBlank() || name.length() > Title.MAX_NAME_LENGTH) {
      throw ApiException.badRequest("the title name must be 1 to " + Title.MAX_NAME_LENGTH + " characters, got "
          + name.length());
    }
    if (description.length() > Title.MAX_DESCRIPTION_LENGTH) {
      throw ApiException.badRequest("the title description must be at most " + Title.MAX_DESCRIPTION_LENGTH
          + " characters, got " + description.length());
    }
  }

  private static void checkNoControlCharacters(String field, String text, boolean lineBreaksAllowed) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && !(lineBreaksAllowed && (c == '\n' || c == '\t'))) {
        throw ApiException.badRequest("the title " + field + " has a control character (U+"
            + String.format("%04X", (int) c) + ") at position " + i + "; send plain text");
      }
    }
  }

  private static int intParameter(ApiCall call, String name, int fallback, int min, int max) {
    String text = call.queryParameter(name);
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
        + ", got '" + LogText.escape(text) + "'");
  }

  /** A request body being written to a file, counted as it goes; never held in memory. */
  private static final class UploadFile {
    private final Path path;
    private final FileChannel channel;
    private long written;

    private UploadFile(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    static UploadFile create(Path path) throws IOException {
      return new UploadFile(path, FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
    }

    static UploadFile append(Path path) throws IOException {
      return new UploadFile(path, FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    Path path() {
      return path;
    }

    long written() {
      return written;
    }

    /** Writes the chunk, or refuses it whole (413, {@code tooLarge}) when it would pass {@code limit}. */
    void append(ByteBuf chunk, long limit, String tooLarge) {
      int length = chunk.readableBytes();
      if (written + length > limit) {
        throw ApiException.tooLarge(tooLarge);
      }
      try {
        for (ByteBuffer buffer : chunk.nioBuffers()) {
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
        }
      } catch (IOException e) {
        throw new ApiException(HttpResponseStatus.INSUFFICIENT_STORAGE, "storage_failed",
            "cannot store the upload (" + LogText.escape(e.getMessage()) + "); check free space in the data"
                + " directory");
      }
      written += length;
    }

    void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new ApiException(HttpResponseStatus.INSUFFICIENT_STORAGE, "storage_failed",
            "cannot store the upload (" + LogText.escape(e.getMessage()) + "); check free space in the data"
                + " directory");
      }
    }

    void delete() {
      try {
        channel.close();
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.warn("cannot remove the unfinished upload {}: {}", path, e.getMessage());
      }
    }
  }
}
