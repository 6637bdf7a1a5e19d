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
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.ViewerId;
import io.streamkit.core.job.IngestJob;
import io.streamkit.core.profile.Profile;
import io.streamkit.core.profile.Profiles;
import io.streamkit.core.storage.DirectUploads;
import io.streamkit.core.storage.StorageException;
import io.streamkit.core.storage.StoredObject;
import io.streamkit.core.storage.TitleVersions;
import io.streamkit.core.title.IllegalTransitionException;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleMetadata;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.ViewerRegion;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.hls.TitleSubtitles;
import io.streamkit.hls.TranscodeException;
import io.streamkit.hls.ingest.IngestWorkers;
import io.streamkit.server.origin.ManagementAccess.Permission;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API's endpoints (see {@code docs/openapi.yaml}), each with the {@link Permission} it needs
 * ({@link ManagementAccess}; publish, unpublish, reject and delete are written to the audit log with the change):
 *
 * <pre>
 *  GET    /api/titles                       VIEW_TITLES  list, paged, optionally by status
 *  POST   /api/titles                       UPLOAD       whole-body upload → title UPLOADED, ingest job queued, 202
 *  GET    /api/titles/{id}                  VIEW_TITLES  one title
 *  PATCH  /api/titles/{id}                  EDIT         description, categories, year, rating, availability window, regions
 *  DELETE /api/titles/{id}                  ADMIN        stop its transcode, remove it and its files
 *  POST   /api/titles/{id}/publish          PUBLISH      READY → PUBLISHED
 *  POST   /api/titles/{id}/unpublish        PUBLISH      PUBLISHED → READY
 *  POST   /api/titles/{id}/retry            UPLOAD       FAILED → PROCESSING, transcoded again from the kept source
 *  POST   /api/titles/{id}/reject           REJECT       → REJECTED with {"reason": "..."}, kept with the title
 *  POST   /api/titles/{id}/playback         VIEW_TITLES  a playback token and URLs
 *  GET    /api/titles/{id}/subtitles        VIEW_TITLES  its subtitle tracks
 *  POST   /api/titles/{id}/subtitles        EDIT         ?lang=&label=[&default=true], body SubRip or WebVTT
 *  DELETE /api/titles/{id}/subtitles/{lang} EDIT         removes a track
 *  OPTIONS /api/uploads                     (none)       tus 1.0 discovery
 *  POST   /api/uploads                      UPLOAD       tus 1.0 creation
 *  HEAD, PATCH, DELETE /api/uploads/{id}    UPLOAD       tus offset, append, termination
 *  POST   /api/uploads/s3                   UPLOAD       direct upload: pre-signed part URLs
 *  POST   /api/uploads/s3/complete          UPLOAD       direct upload done → title UPLOADED, ingest job queued
 *  POST   /api/uploads/s3/abort             UPLOAD       direct upload abandoned, its parts discarded
 * </pre>
 *
 * Every upload may name the ladder its title is transcoded to, one of {@link Ladder#PRESET_NAMES} ({@code auto}
 * fits the Apple ladder to the title): header {@code X-Title-Ladder} on a whole-body upload, key {@code ladder} in
 * tus {@code Upload-Metadata} or in a direct upload's completion; any other name is a 400 before a byte is taken, and
 * none means the workers' default.
 *
 * <p>Upload bodies go to a file chunk by chunk as they arrive, so memory stays flat however large the upload; like
 * everything else here that touches the disk or the database, they are written on the API executor.
 *
 * <p>Resumable uploads follow tus 1.0.0 core with the creation and termination extensions
 * (tus.io/protocols/resumable-upload): POST creates, HEAD reports the offset, PATCH appends at the offset (an offset
 * mismatch is 409, a body longer than what remains is 413 before a byte is stored), DELETE ends an upload.
 */
final class ManagementEndpoints implements ApiEndpoints {

  static final String TUS_VERSION = "1.0.0";
  static final String TUS_EXTENSIONS = "creation,termination,expiration";
  /** How often creating an upload also sweeps away expired ones. */
  static final Duration EXPIRED_UPLOAD_SWEEP = Duration.ofMinutes(10);
  static final String TITLES = "titles";
  static final String UPLOADS = "uploads";
  static final String SUBTITLES = "subtitles";
  /** {@code /api/uploads/s3}: uploads straight to the storage with pre-signed part URLs. */
  static final String DIRECT = "s3";
  /** How long the part URLs of a direct upload work. */
  static final Duration DIRECT_UPLOAD_VALIDITY = Duration.ofHours(6);
  private static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
  private static final int MAX_PAGE_SIZE = 100;
  private static final Logger LOG = LoggerFactory.getLogger(ManagementEndpoints.class);

  private final ManagementApi api;
  private final ManagementAccess access;
  private final TitleVisibility visibility;
  private final Consumer<String> versionPublished;
  private final AtomicLong lastSweepNanos = new AtomicLong(System.nanoTime());

  /**
   * The endpoints.
   *
   * @param versionPublished told the id of a title whose files this API rewrote (a stored title's new version, a local
   *     title's master playlist), so the origin serves them at once
   */
  ManagementEndpoints(ManagementApi api, ManagementAccess access, TitleVisibility visibility,
      Consumer<String> versionPublished) {
    this.api = api;
    this.access = access;
    this.visibility = visibility;
    this.versionPublished = versionPublished;
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
    if (tus && call.size() >= 2 && call.segment(1).equals(DIRECT)) {
      access.requireCredential(call);
      return access.guard(call, Permission.UPLOAD, () -> openDirect(call, method));
    }
    if (tus && method.equals(HttpMethod.OPTIONS)) {
      return ApiExchange.withoutBody(() -> call.respond(tus(HttpResponseStatus.NO_CONTENT)
          .set("Tus-Version", TUS_VERSION).set("Tus-Max-Size", api.maxUploadBytes)
          .set("Tus-Extension", TUS_EXTENSIONS).response));
    }
    if (tus) {
      // tus 1.0 §5.1: every answer but to OPTIONS carries the version, the refusals below included.
      call.alwaysSet("Tus-Resumable", TUS_VERSION);
    }
    access.requireCredential(call);
    return access.guard(call, tus ? Permission.UPLOAD : titlePermission(call, method),
        () -> tus ? openTus(call, method) : openTitles(call, method));
  }

  /** What a request under {@code /api/titles} needs; anything not listed in the class comment needs ADMIN. */
  private static Permission titlePermission(ApiCall call, HttpMethod method) {
    boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    if (call.size() == 1) {
      return read ? Permission.VIEW_TITLES : Permission.UPLOAD;
    }
    if (call.size() == 2) {
      return read ? Permission.VIEW_TITLES : method.equals(HttpMethod.PATCH) ? Permission.EDIT : Permission.ADMIN;
    }
    return switch (call.segment(2)) {
      case "publish", "unpublish" -> Permission.PUBLISH;
      case "reject" -> Permission.REJECT;
      case "retry" -> Permission.UPLOAD;
      case "playback" -> Permission.VIEW_TITLES;
      case SUBTITLES -> read ? Permission.VIEW_TITLES : Permission.EDIT;
      default -> Permission.ADMIN;
    };
  }

  // ---- direct uploads

  private ApiExchange openDirect(ApiCall call, HttpMethod method) {
    if (!method.equals(HttpMethod.POST)) {
      throw notAllowed(method, "POST");
    }
    DirectUploads direct = api.storage == null ? null : api.storage.directUploads().orElse(null);
    if (direct == null) {
      throw new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "no_direct_uploads", "this server keeps media on"
          + " a storage without pre-signed uploads; upload through POST /api/uploads (tus) instead");
    }
    if (call.size() == 2) {
      return ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> startDirect(call, direct,
          jsonObject(body)));
    }
    if (call.size() == 3 && call.segment(2).equals("complete")) {
      return ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> completeDirect(call, direct,
          jsonObject(body)));
    }
    if (call.size() == 3 && call.segment(2).equals("abort")) {
      return ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> {
        JsonNode request = jsonObject(body);
        direct.abort(directKey(request), text(request, "uploadId"));
        call.respond(HttpResponseStatus.NO_CONTENT, null);
      });
    }
    throw ApiException.notFound("no API endpoint at " + call.describe());
  }

  /**
   * {@code POST /api/uploads/s3} {@code {"size": N}}: a multipart upload of the source to {@code sources/<random>},
   * with a pre-signed URL per part. Nothing is in the catalog until the completion.
   */
  private void startDirect(ApiCall call, DirectUploads direct, JsonNode request) {
    long size = request.path("size").asLong(-1);
    if (size < 1 || size > api.maxUploadBytes) {
      throw ApiException.badRequest("size must be the file's length in bytes, 1 to " + api.maxUploadBytes
          + ", got " + request.path("size"));
    }
    DirectUploads.Started upload = direct.start(IngestWorkers.SOURCES + "/" + UUID.randomUUID(), size,
        DIRECT_UPLOAD_VALIDITY);
    ObjectNode out = Responses.MAPPER.createObjectNode();
    out.put("key", upload.key()).put("uploadId", upload.uploadId())
        .put("expiresAt", upload.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString());
    ArrayNode parts = out.putArray("parts");
    for (DirectUploads.Part part : upload.parts()) {
      parts.addObject().put("partNumber", part.number()).put("offset", part.offset()).put("length", part.length())
          .put("url", part.url().toString());
    }
    LOG.info("direct upload of {} bytes started: {} parts to {}", size, upload.parts().size(),
        api.storage.describe(upload.key()));
    call.respond(HttpResponseStatus.CREATED, out);
  }

  /**
   * {@code POST /api/uploads/s3/complete} {@code {"key", "uploadId", "etags": [...], "name", "description",
   * "ladder"}}: the object is assembled, checked and becomes a title with its ingest job, as a finished tus upload
   * does.
   */
  private void completeDirect(ApiCall call, DirectUploads direct, JsonNode request) {
    String key = directKey(request);
    String uploadId = text(request, "uploadId");
    JsonNode etagNodes = request.path("etags");
    if (!etagNodes.isArray() || etagNodes.isEmpty() || etagNodes.size() > 10_000) {
      throw ApiException.badRequest("etags must list the ETag each part's PUT answered, in part order");
    }
    List<String> etags = new java.util.ArrayList<>();
    etagNodes.forEach(etag -> etags.add(etag.asText()));
    String name = titleName(request.path("name").asText("Untitled"));
    String description = titleDescription(request.path("description").asText(""));
    String ladder = ladderName(request.hasNonNull("ladder") ? request.get("ladder").asText() : null);
    StoredObject source = direct.complete(key, uploadId, etags);
    if (source.size() > api.maxUploadBytes) {
      api.storage.delete(key);
      throw new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large", "the upload is "
          + source.size() + " bytes, more than the " + api.maxUploadBytes + " this server takes");
    }
    Title title = api.store.catalog().create(name, description);
    try {
      api.queue.enqueue(title.id(), key, ladder);
    } catch (RuntimeException e) {
      api.store.catalog().delete(title.id());
      throw e;
    }
    LOG.info("title {} uploaded directly ({} bytes) to {}: queued for transcoding", title.id(), source.size(),
        api.storage.describe(key));
    call.respond(HttpResponseStatus.CREATED, TitleJson.of(title));
  }

  /** The object key of a direct upload, as {@link #startDirect} made it: nothing else can be completed here. */
  private static String directKey(JsonNode request) {
    String key = text(request, "key");
    String prefix = IngestWorkers.SOURCES + "/";
    try {
      if (key.startsWith(prefix) && UUID.fromString(key.substring(prefix.length())).toString()
          .equals(key.substring(prefix.length()))) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // falls through to the refusal
    }
    throw ApiException.badRequest("key must be the one POST /api/uploads/s3 answered (sources/<uuid>)");
  }

  private static String text(JsonNode request, String field) {
    JsonNode node = request.get(field);
    if (node == null || !node.isTextual() || node.textValue().isEmpty() || node.textValue().length() > 1024) {
      throw ApiException.badRequest(field + " must be the text POST /api/uploads/s3 answered");
    }
    return node.textValue();
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
      if (method.equals(HttpMethod.PATCH)) {
        return ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> editMetadata(call, id,
            TitleMetadataPatch.read(jsonObject(body))));
      }
      throw notAllowed(method, "GET, PATCH, DELETE");
    }
    if (call.segment(2).equals(SUBTITLES)) {
      return openSubtitles(call, method, id);
    }
    if (call.size() != 3) {
      throw ApiException.notFound("no API endpoint at " + call.describe());
    }
    if (!method.equals(HttpMethod.POST)) {
      throw notAllowed(method, "POST");
    }
    return switch (call.segment(2)) {
      case "publish" -> ApiExchange.withoutBody(() -> call.respond(HttpResponseStatus.OK,
          TitleJson.of(move(call, "title.publish", id, TitleStatus.PUBLISHED, null))));
      case "unpublish" -> ApiExchange.withoutBody(() -> call.respond(HttpResponseStatus.OK,
          TitleJson.of(unpublish(call, id))));
      case "retry" -> ApiExchange.withoutBody(() -> retry(call, id));
      case "reject" -> ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> reject(call, id,
          jsonObject(body)));
      case "playback" -> ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES, body -> playback(call, id,
          jsonObject(body)));
      default -> throw ApiException.notFound("no API endpoint at " + call.describe());
    };
  }

  // ---- subtitles of a packaged title

  /**
   * {@code GET|POST /api/titles/{id}/subtitles}, {@code DELETE /api/titles/{id}/subtitles/{lang}}: the title's
   * subtitle tracks, edited in place by {@link TitleSubtitles}. The request is checked before the body is taken.
   */
  private ApiExchange openSubtitles(ApiCall call, HttpMethod method, UUID id) {
    if (call.size() == 3 && method.equals(HttpMethod.GET)) {
      return ApiExchange.withoutBody(() -> {
        ObjectNode out = Responses.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        String titleKey = subtitledTitle(id);
        List<TitleSubtitles.Track> tracks = subtitleEdit(() -> api.storage == null
            ? TitleSubtitles.list(api.dataDirectory.resolve(titleKey))
            : TitleSubtitles.list(new TitleVersions(api.storage), titleKey));
        tracks.forEach(track -> items.add(trackJson(track)));
        call.respond(HttpResponseStatus.OK, out);
      });
    }
    if (call.size() == 3 && method.equals(HttpMethod.POST)) {
      TitleSubtitles.Format format = subtitleFormat(call.headers().get(HttpHeaderNames.CONTENT_TYPE, ""));
      String language = call.queryParameter("lang");
      String label = call.queryParameter("label");
      if (language == null || language.isBlank() || label == null || label.isBlank()) {
        throw ApiException.badRequest("name the track with the query parameters lang (a BCP 47 tag such as en) and"
            + " label (the name players show), e.g. ?lang=en&label=English");
      }
      String defaultText = call.queryParameter("default");
      if (defaultText != null && !defaultText.equals("true") && !defaultText.equals("false")) {
        throw ApiException.badRequest("query parameter default must be true or false, got '"
            + LogText.escape(defaultText) + "'");
      }
      return ApiExchange.withBody(TitleSubtitles.MAX_FILE_BYTES, body -> {
        if (body.length == 0) {
          throw ApiException.badRequest("the request body is empty; send the subtitle file as the body");
        }
        String titleKey = subtitledTitle(id);
        boolean isDefault = "true".equals(defaultText);
        TitleSubtitles.Track track = subtitleEdit(() -> api.storage == null
            ? published(id, TitleSubtitles.add(api.dataDirectory.resolve(titleKey), body, format, language, label,
                isDefault))
            : published(id, TitleSubtitles.add(sweptVersions(id, titleKey), titleKey, body, format, language,
                label, isDefault)));
        LOG.info("title {}: {} subtitle track '{}' added", id, track.language(), LogText.escape(track.label()));
        call.respond(HttpResponseStatus.CREATED, trackJson(track));
      });
    }
    if (call.size() == 3) {
      throw notAllowed(method, "GET, POST");
    }
    if (call.size() != 4) {
      throw ApiException.notFound("no API endpoint at " + call.describe());
    }
    if (!method.equals(HttpMethod.DELETE)) {
      throw notAllowed(method, "DELETE");
    }
    String language = call.segment(3);
    return ApiExchange.withoutBody(() -> {
      String titleKey = subtitledTitle(id);
      TitleSubtitles.Track removed = subtitleEdit(() -> api.storage == null
          ? published(id, TitleSubtitles.remove(api.dataDirectory.resolve(titleKey), language))
          : published(id, TitleSubtitles.remove(sweptVersions(id, titleKey), titleKey, language)));
      if (removed == null) {
        throw ApiException.notFound("title " + id + " has no subtitle track '" + LogText.escape(language) + "'; list"
            + " them with GET /api/titles/" + id + "/subtitles");
      }
      LOG.info("title {}: {} subtitle track removed", id, removed.language());
      call.respond(HttpResponseStatus.NO_CONTENT, null);
    });
  }

  /** The subtitle format a {@code Content-Type} names, or 415. */
  private static TitleSubtitles.Format subtitleFormat(String contentType) {
    String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    return switch (mediaType) {
      case "text/vtt" -> TitleSubtitles.Format.WEBVTT;
      case "application/x-subrip" -> TitleSubtitles.Format.SUBRIP;
      default -> throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
          "subtitle Content-Type '" + LogText.escape(contentType) + "' is not taken; send a WebVTT file as text/vtt"
              + " or a SubRip file as application/x-subrip");
    };
  }

  /**
   * The key of a title whose subtitles can change, transcoded (READY or PUBLISHED): its directory under the data
   * directory, or its key in the storage, where an edit publishes a new version ({@link TitleSubtitles}).
   */
  private String subtitledTitle(UUID id) {
    Title title = title(id);
    if (title.status() != TitleStatus.READY && title.status() != TitleStatus.PUBLISHED) {
      throw ApiException.conflict("not_packaged", "title " + id + " is " + title.status() + "; subtitles can be"
          + " edited once it is READY or PUBLISHED");
    }
    return TitlePointers.titleKey(id.toString());
  }

  /**
   * The storage's titles, once the versions of this one that earlier edits replaced are swept under the workers'
   * orphan grace ({@link TitleVersions#sweep}, as after a transcode): before the edit, so the version it replaces
   * stays for the origins that have not yet read the new pointer. A sweep that fails only delays the cleanup.
   */
  private TitleVersions sweptVersions(UUID id, String titleKey) {
    TitleVersions versions = new TitleVersions(api.storage);
    Duration grace = api.workers != null ? api.workers.orphanGrace() : IngestWorkers.DEFAULT_ORPHAN_GRACE;
    try {
      int removed = versions.sweep(titleKey, grace, Instant.now());
      if (removed > 0) {
        LOG.info("title {}: removed {} object(s) of replaced versions", id, removed);
      }
    } catch (StorageException e) {
      LOG.warn("title {}: cannot sweep replaced versions (left for the next edit): {}", id,
          LogText.escape(String.valueOf(e.getMessage())));
    }
    return versions;
  }

  /** A title's edit is done: this origin serves the new version from the next request. */
  private <T> T published(UUID id, T edit) {
    if (edit != null) {
      versionPublished.accept(id.toString());
    }
    return edit;
  }

  /**
   * Runs an edit of {@link TitleSubtitles}, turning its refusals into 400 (bad file or value) and 409 (conflict: a
   * track already there, or a stored title changed meanwhile by another node).
   */
  private static <T> T subtitleEdit(Supplier<T> edit) {
    try {
      return edit.get();
    } catch (TranscodeException | IllegalArgumentException e) {
      throw ApiException.badRequest(LogText.escape(e.getMessage()));
    } catch (IllegalStateException e) {
      throw ApiException.conflict("subtitle_conflict", LogText.escape(e.getMessage()));
    }
  }

  private static ObjectNode trackJson(TitleSubtitles.Track track) {
    return Responses.MAPPER.createObjectNode().put("lang", track.language()).put("label", track.label())
        .put("default", track.isDefault()).put("uri", track.uri());
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
    Title title = title(id);
    if (api.workers != null) {
      api.workers.cancel(id);
    }
    api.queue.cancel(id);
    List<String> sources = api.queue.forTitle(id).stream().map(IngestJob::sourcePath).distinct().toList();
    api.store.auditLog().audited(call.principal().actor(), "title.delete", id.toString(), title.name(), catalog -> {
      catalog.delete(id);
      return null;
    });
    visibility.invalidate(id.toString());
    if (api.storage == null) {
      IngestWorkers.deleteTitleFiles(api.dataDirectory, id);
    } else {
      IngestWorkers.deleteTitleObjects(api.storage, id);
      for (String source : sources) {
        api.storage.delete(source);
      }
    }
    call.respond(HttpResponseStatus.NO_CONTENT, null);
  }

  /**
   * {@code PATCH /api/titles/{id}}: description and metadata changed in one transaction; the origin's gate follows a
   * new window at once on this node.
   */
  private void editMetadata(ApiCall call, UUID id, TitleMetadataPatch patch) {
    Title edited = api.store.catalog().editMetadata(id, patch.description(), patch.edit());
    visibility.invalidate(id.toString());
    call.respond(HttpResponseStatus.OK, TitleJson.of(edited));
  }

  /** Moves the title and logs {@code action} (with the reason, if any) in the same transaction. */
  private Title move(ApiCall call, String action, UUID id, TitleStatus target, String reason) {
    try {
      Title moved = api.store.auditLog().audited(call.principal().actor(), action, id.toString(),
          reason == null ? "" : reason, catalog -> catalog.transition(id, target, reason));
      visibility.invalidate(id.toString());
      return moved;
    } catch (IllegalTransitionException e) {
      TitleStatus now = title(id).status();
      throw ApiException.conflict("illegal_transition", "title " + id + " is " + now + " and cannot become "
          + target + "; allowed next: " + now.allowedNext());
    }
  }

  private void reject(ApiCall call, UUID id, JsonNode body) {
    JsonNode reasonNode = body.get("reason");
    String reason;
    try {
      reason = Title.checkStatusReason(reasonNode == null || !reasonNode.isTextual() ? "" : reasonNode.textValue());
    } catch (InvalidValueException e) {
      throw ApiException.badRequest("reject needs {\"reason\": \"...\"}, one line of 1 to 1000 characters: "
          + LogText.escape(e.getMessage()));
    }
    Title rejected = move(call, "title.reject", id, TitleStatus.REJECTED, reason);
    LOG.info("title {} rejected: {}", id, LogText.escape(reason));
    call.respond(HttpResponseStatus.OK, TitleJson.of(rejected));
  }

  /** {@code POST /api/titles/{id}/unpublish}: viewers lose the title at once; it stays READY for review. */
  private Title unpublish(ApiCall call, UUID id) {
    Title title = title(id);
    if (title.status() != TitleStatus.PUBLISHED) {
      throw ApiException.conflict("illegal_transition", "title " + id + " is " + title.status() + "; only"
          + " PUBLISHED titles can be unpublished");
    }
    return move(call, "title.unpublish", id, TitleStatus.READY, null);
  }

  /**
   * {@code POST /api/titles/{id}/retry}: a FAILED title is transcoded again from its kept source, with the ladder its
   * upload named.
   */
  private void retry(ApiCall call, UUID id) {
    Title title = title(id);
    if (title.status() != TitleStatus.FAILED) {
      throw ApiException.conflict("illegal_transition", "title " + id + " is " + title.status() + "; only FAILED"
          + " titles can be retried");
    }
    List<IngestJob> jobs = api.queue.forTitle(id);
    IngestJob last = jobs.isEmpty() ? null : jobs.get(jobs.size() - 1);
    String source = keptSource(id, last);
    if (source == null) {
      throw ApiException.conflict("source_gone", "the uploaded source of title " + id + " is no longer kept;"
          + " delete the title and upload the file again");
    }
    // PROCESSING before the job exists: a worker may take a job the moment it is queued and fail it at once (a
    // source that is not video fails in milliseconds); moving the title afterwards would then leave it PROCESSING
    // with no job left to finish it.
    Title processing = move(call, "title.retry", id, TitleStatus.PROCESSING, null);
    try {
      api.queue.enqueue(id, source, last == null ? null : last.ladder());
    } catch (RuntimeException e) {
      api.store.catalog().fail(id, title.errorMessage());
      throw e;
    }
    LOG.info("title {} queued again for transcoding", id);
    call.respond(HttpResponseStatus.ACCEPTED, TitleJson.of(processing));
  }

  /** The source a FAILED title's {@code last} job (null if none) read, if it is still there; null otherwise. */
  private String keptSource(UUID id, IngestJob last) {
    if (api.storage == null) {
      Path source = IngestWorkers.sourceFile(api.dataDirectory, id);
      return Files.isRegularFile(source) ? source.toString() : null;
    }
    String source = last == null ? IngestWorkers.sourceKey(id) : last.sourcePath();
    return api.storage.stat(source).isPresent() ? source : null;
  }

  private void playback(ApiCall call, UUID id, JsonNode body) {
    requireSigner(api);
    Title title = title(id);
    boolean preview = title.status() == TitleStatus.READY;
    if (!preview && title.status() != TitleStatus.PUBLISHED) {
      throw ApiException.conflict("not_playable", "title " + id + " is " + title.status() + "; only PUBLISHED titles"
          + " (or READY ones, for an admin preview) can be played");
    }
    Instant now = Instant.now();
    if (!preview && !title.metadata().availableAt(now)) {
      TitleMetadata m = title.metadata();
      throw ApiException.conflict("not_available", "title " + id + " is available from "
          + (m.availableFrom() == null ? "any time" : m.availableFrom()) + " until "
          + (m.availableUntil() == null ? "any time" : m.availableUntil()) + ", not now (" + now.truncatedTo(
              ChronoUnit.SECONDS) + "); change the window with PATCH /api/titles/" + id);
    }
    String titlePath = "/" + TitlePointers.titleKey(id.toString()) + "/";
    String dashPath = hasTitleFile(id, PlaylistHandler.DASH_MANIFEST, "a DASH manifest")
        ? titlePath + PlaylistHandler.DASH_MANIFEST : null;
    ObjectNode out = grant(api, body, id.toString(), preview, titlePath + PlaylistHandler.MASTER_PLAYLIST, dashPath,
        "/play/" + id, api.store.profiles(), claims -> refuseOutsideLimits(visibility, claims, title,
            visibility.regionOf(claims, null)));
    if (hasTitleFile(id, StoryboardHandler.DIRECTORY + "/" + StoryboardHandler.INDEX, "a storyboard")) {
      out.put("storyboardUrl", (api.publicBaseUrl == null ? "" : api.publicBaseUrl) + titlePath
          + StoryboardHandler.DIRECTORY + "/" + StoryboardHandler.INDEX + "?token=" + out.get("token").textValue());
    }
    out.put("preview", preview);
    call.respond(HttpResponseStatus.OK, out);
  }

  /**
   * Whether the title's published files include {@code relative} (a DASH manifest, a storyboard index): in the data
   * directory, or in the version of the title the storage shows now. On the API executor: it may wait for the storage.
   */
  private boolean hasTitleFile(UUID id, String relative, String what) {
    String titleKey = TitlePointers.titleKey(id.toString());
    if (api.storage == null) {
      return Files.isRegularFile(api.dataDirectory.resolve(titleKey).resolve(relative));
    }
    try {
      return new TitleVersions(api.storage).current(titleKey)
          .flatMap(version -> api.storage.stat(TitleVersions.key(titleKey, version, relative)))
          .isPresent();
    } catch (StorageException e) {
      LOG.warn("cannot tell whether title {} has {} (answering without its URL): {}", id, what,
          LogText.escape(String.valueOf(e.getMessage())));
      return false;
    }
  }

  /**
   * 403 before a token is signed for a title its own limits would refuse: rated above its {@code maxRating} (or
   * unrated), or, with category access on, in none of its {@code categories}, or listing regions that do not hold the
   * viewer's {@code region} (or, where a country is required, with none known). A token for a profile already
   * carries the stricter of the requested and the profile's limit as its {@code maxRating}.
   */
  static void refuseOutsideLimits(TitleVisibility visibility, PlaybackClaims claims, Title title,
      ViewerRegion region) {
    switch (visibility.decide(claims, title, region)) {
      case ABOVE_MATURITY -> throw new ApiException(HttpResponseStatus.FORBIDDEN, "above_maturity", "title "
          + title.id() + " is rated " + title.metadata().maturityRatingIfRated().map(MaturityRating::label)
          .orElse("nothing (unrated)") + ", above this viewer's limit " + claims.maxRating().map(MaturityRating::label)
          .orElse("") + "; no token is signed for it");
      case OUTSIDE_CATEGORIES -> throw new ApiException(HttpResponseStatus.FORBIDDEN, "outside_categories", "title "
          + title.id() + " is in " + title.metadata().categories() + ", none of this viewer's categories "
          + claims.categories() + "; no token is signed for it");
      case OUTSIDE_REGION -> throw new ApiException(HttpResponseStatus.FORBIDDEN, "outside_region", "title "
          + title.id() + " is available only in " + title.metadata().regions() + (region.countries().isEmpty()
              ? " and this origin requires the viewer's country; set country in the request"
              : ", not in this viewer's " + region.countries()) + "; no token is signed for it");
      default -> { }
    }
  }

  /** 501 when this server cannot sign playback tokens. */
  static void requireSigner(ManagementApi api) {
    if (api.signer == null) {
      throw new ApiException(HttpResponseStatus.NOT_IMPLEMENTED, "no_signing_key", "this server holds only a public"
          + " key and cannot sign tokens; start it with an HS256 --signing-key or sign tokens in your application");
    }
  }

  /**
   * Signs a playback token for {@code id} (a title, or a live stream) from a playback request's body
   * ({@code viewerId}, {@code ttlSeconds}, {@code maxHeight}, {@code maxStreams}, {@code maxRating},
   * {@code categories}, {@code profileId}, {@code country}) and answers it with the URLs a player opens
   * ({@code dashUrl} only with a {@code dashPath}); 400 naming the field that is wrong. A {@code profileId} must be one of the viewer's profiles
   * (else 404); the token then names it and carries the stricter of the requested {@code maxRating} and the
   * profile's limit, so a kids profile's token never allows more than the profile.
   *
   * @param profiles the viewer's profiles, or {@code null} where profiles do not apply (live streams): a
   *     {@code profileId} is then a 400
   */
  static ObjectNode grant(ManagementApi api, JsonNode body, String id, boolean preview, String masterPath,
      String dashPath, String playerPath, Profiles profiles, Consumer<PlaybackClaims> beforeSigning) {
    JsonNode viewerNode = body.get("viewerId");
    String viewer;
    try {
      viewer = ViewerId.require("viewerId", viewerNode == null || !viewerNode.isTextual() ? "" : viewerNode.textValue());
    } catch (InvalidValueException e) {
      throw ApiException.badRequest(LogText.escape(e.getMessage()));
    }
    long ttl = body.path("ttlSeconds").asLong(ManagementApi.DEFAULT_TOKEN_TTL.toSeconds());
    if (ttl < 1 || ttl > ManagementApi.MAX_TOKEN_TTL.toSeconds()) {
      throw ApiException.badRequest("ttlSeconds must be between 1 and " + ManagementApi.MAX_TOKEN_TTL.toSeconds()
          + ", got " + ttl);
    }
    Instant expires = Instant.now().plusSeconds(ttl);
    PlaybackClaims claims;
    try {
      PlaybackClaims.Builder b = PlaybackClaims.builder().viewer(viewer).title(id).expiresAt(expires)
          .issuedAt(Instant.now()).preview(preview);
      if (body.hasNonNull("maxHeight")) {
        b.maxHeight(body.get("maxHeight").asInt(-1));
      }
      if (body.hasNonNull("maxStreams")) {
        b.maxStreams(body.get("maxStreams").asInt(-1));
      }
      MaturityRating maxRating = body.hasNonNull("maxRating")
          ? MaturityRating.fromLabel("maxRating", body.get("maxRating").asText()) : null;
      b.maxRating(maxRating);
      if (body.hasNonNull("profileId")) {
        Profile profile = viewersProfile(profiles, viewer, body.get("profileId").asText());
        b.profile(profile.id()).maxRating(profile.stricterLimit(Optional.ofNullable(maxRating)).orElse(null));
      }
      if (body.hasNonNull("categories")) {
        JsonNode categories = body.get("categories");
        if (!categories.isArray()) {
          throw new IllegalArgumentException("categories must be an array of category slugs such as [\"kids\"]");
        }
        List<String> slugs = new java.util.ArrayList<>();
        categories.forEach(c -> slugs.add(c.asText()));
        b.categories(slugs);
      }
      if (body.hasNonNull("country")) {
        b.country(body.get("country").asText());
      }
      claims = b.build();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("playback request: " + LogText.escape(e.getMessage()));
    }
    beforeSigning.accept(claims);
    String token = api.signer.sign(claims);
    String base = api.publicBaseUrl == null ? "" : api.publicBaseUrl;
    ObjectNode out = Responses.MAPPER.createObjectNode();
    out.put("token", token);
    out.put("masterUrl", base + masterPath + "?token=" + token);
    if (dashPath != null) {
      out.put("dashUrl", base + dashPath + "?token=" + token);
    }
    out.put("playerUrl", base + playerPath + (playerPath.indexOf('?') < 0 ? "?" : "&") + "token=" + token);
    out.put("expiresAt", expires.truncatedTo(ChronoUnit.SECONDS).toString());
    return out;
  }



  /** The viewer's profile a playback request names; 400 where profiles do not apply or for a malformed id, else 404. */
  private static Profile viewersProfile(Profiles profiles, String viewer, String profileId) {
    if (profiles == null) {
      throw ApiException.badRequest("profileId: live streams are played without profiles; leave it out");
    }
    UUID id;
    try {
      id = UUID.fromString(profileId);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("profileId '" + LogText.escape(profileId) + "' is not a profile id (a UUID);"
          + " list the viewer's profiles with GET /api/profiles");
    }
    return profiles.find(id).filter(p -> p.ownerId().equals(viewer)).orElseThrow(() -> ApiException.notFound(
        "profile " + id + " is not one of viewer " + viewer + "'s profiles; list them with GET /api/profiles"));
  }

  /**
   * {@code POST /api/titles}: the request body is the video (or the audio of an audio-only title); name and
   * description come in headers.
   */
  private final class WholeUpload implements ApiExchange {
    private final ApiCall call;
    private final String name;
    private final String description;
    private final String ladder;
    private UploadFile file;

    WholeUpload(ApiCall call) {
      this.call = call;
      HttpHeaders headers = call.headers();
      String type = headers.get(HttpHeaderNames.CONTENT_TYPE, "");
      String mediaType = type.split(";")[0].trim().toLowerCase(Locale.ROOT);
      if (!mediaType.startsWith("video/") && !mediaType.startsWith("audio/")
          && !mediaType.equals("application/octet-stream")) {
        throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
            "upload Content-Type '" + LogText.escape(type) + "' is neither video nor audio; send video/*, audio/*"
                + " or application/octet-stream");
      }
      this.name = titleName(decodedHeader(headers, "X-Title-Name", "Untitled"));
      this.description = titleDescription(decodedHeader(headers, "X-Title-Description", ""));
      this.ladder = ladderName(headers.get("X-Title-Ladder"));
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
      Title title = api.admit(file.path(), name, description, ladder);
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
            .set("Upload-Length", upload.length())
            .set("Upload-Expires", HttpDates.format(upload.expires().toEpochMilli())).response);
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
    String name = titleName(metadata.getOrDefault("name", metadata.getOrDefault("filename", "Untitled")));
    String description = titleDescription(metadata.getOrDefault("description", ""));
    String ladder = ladderName(metadata.get("ladder"));
    return ApiExchange.withoutBody(() -> {
      removeExpiredUploads();
      TusUploads.Upload upload = api.tus.create(length, name, description, ladder);
      call.respond(tus(HttpResponseStatus.CREATED).set(HttpHeaderNames.LOCATION, "/api/uploads/" + upload.id())
          .set("Upload-Offset", 0).set("Upload-Expires", HttpDates.format(upload.expires().toEpochMilli()))
          .response);
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
        if (now < upload.length()) {
          response.set("Upload-Expires", HttpDates.format(Files.getLastModifiedTime(upload.data()).toMillis()
              + api.unfinishedUploadRetention.toMillis()));
        }
        if (now == upload.length()) {
          Path incoming = api.uploads.resolve(ManagementApi.INCOMING_PREFIX + upload.id());
          Files.move(upload.data(), incoming, StandardCopyOption.ATOMIC_MOVE);
          Title title;
          try {
            title = api.admit(incoming, upload.name(), upload.description(), upload.ladder());
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

  /** At most every {@link #EXPIRED_UPLOAD_SWEEP}, on the API executor like the upload it comes with. */
  private void removeExpiredUploads() {
    long last = lastSweepNanos.get();
    if (System.nanoTime() - last > EXPIRED_UPLOAD_SWEEP.toNanos() && lastSweepNanos.compareAndSet(last,
        System.nanoTime())) {
      int removed = api.tus.removeExpired();
      if (removed > 0) {
        LOG.info("removed {} unfinished uploads idle for longer than their retention", removed);
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

  static Map<String, String> tusMetadata(String header) {
    Map<String, String> values = new HashMap<>();
    if (header == null || header.isBlank()) {
      return values;
    }
    for (String pair : header.split(",")) {
      String[] kv = pair.trim().split(" ", 2);
      try {
        values.put(kv[0], kv.length == 2 ? StandardCharsets.UTF_8.newDecoder()
            .decode(ByteBuffer.wrap(Base64.getDecoder().decode(kv[1].trim()))).toString() : "");
      } catch (IllegalArgumentException | CharacterCodingException e) {
        throw ApiException.badRequest("Upload-Metadata value of '" + LogText.escape(kv[0]) + "' is not base64 of UTF-8"
            + " text; encode each value as UTF-8, then base64");
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

  static ApiException notAllowed(HttpMethod method, String allowed) {
    return ApiException.methodNotAllowed(method + " is not supported here; use " + allowed, allowed);
  }

  static JsonNode jsonObject(byte[] bytes) {
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

  /** The name as the catalog will store it, or 400 naming what is wrong (checked before any upload byte is taken). */
  private static String titleName(String name) {
    try {
      return Title.checkName(name);
    } catch (InvalidValueException e) {
      throw ApiException.badRequest(LogText.escape(e.getMessage()));
    }
  }

  /**
   * The ladder an upload asks for, as the workers know it, or {@code null} when it names none (the workers' default);
   * 400 for any other name, checked before any upload byte is taken. Only presets: a name never reaches the disk.
   */
  private static String ladderName(String ladder) {
    if (ladder == null || ladder.isBlank()) {
      return null;
    }
    String name = ladder.trim().toLowerCase(Locale.ROOT);
    if (!Ladder.PRESET_NAMES.contains(name)) {
      throw ApiException.badRequest("ladder '" + LogText.escape(ladder) + "' is not one of "
          + String.join(", ", Ladder.PRESET_NAMES) + "; name one of those, or none for this server's default");
    }
    return name;
  }

  private static String titleDescription(String description) {
    try {
      return Title.checkDescription(description);
    } catch (InvalidValueException e) {
      throw ApiException.badRequest(LogText.escape(e.getMessage()));
    }
  }

  static int intParameter(ApiCall call, String name, int fallback, int min, int max) {
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
