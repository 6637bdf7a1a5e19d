package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.live.CreatedLiveStream;
import io.streamkit.core.live.LiveStatus;
import io.streamkit.core.live.LiveStream;
import io.streamkit.core.live.LiveStreams;
import io.streamkit.core.live.UnknownLiveStreamException;
import io.streamkit.hls.live.LiveStats;
import io.streamkit.server.live.LiveEvents;
import io.streamkit.server.live.LiveHealth;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;

/**
 * Live stream endpoints, for the {@code admin} role ({@link ManagementAccess}).
 *
 * <pre>
 *  POST   /api/live                 {name} → 201 {id, name, status, streamKey, rtmpUrl}: the key is shown only here
 *                                   and when rotated
 *  GET    /api/live                 newest first, paged (?page, ?size), each with its health while on air
 *  GET    /api/live/{id}            status IDLE/LIVE/ENDED, input bitrate, fps, resolution, dropped frames, viewers,
 *                                   encoder speed, and the recording's title id once ended
 *  POST   /api/live/{id}/key        a new stream key; the old one no longer publishes (a publisher on air continues)
 *  DELETE /api/live/{id}            204; a stream on air must end first (409)
 *  POST   /api/live/{id}/playback   {viewerId, ttlSeconds?, maxHeight?} → {token, masterUrl, playerUrl, expiresAt}
 * </pre>
 */
final class LiveEndpoints implements ApiEndpoints {

  static final String LIVE = "live";
  static final int MAX_PAGE_SIZE = 100;

  private final ManagementApi api;
  private final LiveStreams streams;
  private final LiveEvents events;
  private final ManagementAccess access;

  LiveEndpoints(ManagementApi api, LiveEvents events, ManagementAccess access) {
    this.api = api;
    this.streams = api.store.liveStreams();
    this.events = events;
    this.access = access;
  }

  @Override
  public ApiExchange open(ApiCall call) {
    if (call.size() == 0 || !call.segment(0).equals(LIVE) || call.size() > 3) {
      return null;
    }
    access.requireCredential(call);
    return access.guard(call, ManagementAccess.Permission.ADMIN, () -> route(call));
  }

  private ApiExchange route(ApiCall call) {
    HttpMethod method = call.method();
    if (call.size() == 1) {
      if (method.equals(HttpMethod.GET)) {
        return ApiExchange.withoutBody(() -> list(call));
      }
      if (method.equals(HttpMethod.POST)) {
        return ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES,
            body -> create(call, ManagementEndpoints.jsonObject(body)));
      }
      throw ManagementEndpoints.notAllowed(method, "GET, POST");
    }
    String id = streamId(call.segment(1));
    if (call.size() == 2) {
      if (method.equals(HttpMethod.GET)) {
        return ApiExchange.withoutBody(() -> call.respond(HttpResponseStatus.OK, json(stream(id))));
      }
      if (method.equals(HttpMethod.DELETE)) {
        return ApiExchange.withoutBody(() -> delete(call, id));
      }
      throw ManagementEndpoints.notAllowed(method, "GET, DELETE");
    }
    if (!method.equals(HttpMethod.POST)) {
      throw ManagementEndpoints.notAllowed(method, "POST");
    }
    return switch (call.segment(2)) {
      case "key" -> ApiExchange.withoutBody(() -> rotate(call, id));
      case "playback" -> ApiExchange.withBody(ManagementApi.MAX_JSON_BODY_BYTES,
          body -> playback(call, id, ManagementEndpoints.jsonObject(body)));
      default -> throw ApiException.notFound("no API endpoint at " + call.describe());
    };
  }

  private void create(ApiCall call, JsonNode body) {
    JsonNode name = body.get("name");
    if (name == null || !name.isTextual()) {
      throw ApiException.badRequest("a live stream needs a name: send {\"name\": \"...\"}");
    }
    CreatedLiveStream created = streams.create(name.textValue());
    ObjectNode out = json(created.stream());
    out.put("streamKey", created.streamKey());
    out.put("rtmpUrl", rtmpUrl(call, created.streamKey()));
    call.respond(HttpResponseStatus.CREATED, out);
  }

  private void list(ApiCall call) {
    int page = ManagementEndpoints.intParameter(call, "page", 0, 0, 1_000_000);
    int size = ManagementEndpoints.intParameter(call, "size", 20, 1, MAX_PAGE_SIZE);
    Page<LiveStream> found = streams.list(new PageRequest(page * size, size));
    ObjectNode out = Responses.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    found.items().forEach(s -> items.add(json(s)));
    out.put("page", page).put("size", size).put("hasNext", found.hasNext());
    call.respond(HttpResponseStatus.OK, out);
  }

  private void rotate(ApiCall call, String id) {
    String key;
    try {
      key = streams.rotateKey(id);
    } catch (UnknownLiveStreamException e) {
      throw unknown(id);
    }
    ObjectNode out = Responses.MAPPER.createObjectNode().put("id", id).put("streamKey", key)
        .put("rtmpUrl", rtmpUrl(call, key));
    call.respond(HttpResponseStatus.OK, out);
  }

  private void delete(ApiCall call, String id) {
    LiveStream stream = stream(id);
    if (stream.status() == LiveStatus.LIVE) {
      throw ApiException.conflict("live", "live stream " + id + " is on air; stop the publisher (or rotate its key"
          + " and wait for it to drop) before deleting it");
    }
    streams.delete(id);
    call.respond(HttpResponseStatus.NO_CONTENT, null);
  }

  private void playback(ApiCall call, String id, JsonNode body) {
    ManagementEndpoints.requireSigner(api);
    LiveStream stream = stream(id);
    if (stream.status() != LiveStatus.LIVE || events.playlists(id).isEmpty()) {
      throw ApiException.conflict("not_live", "live stream " + id + " is " + stream.status() + " here; start"
          + " publishing to it, or play its recording" + (stream.recordingTitleId() == null ? ""
          : " (title " + stream.recordingTitleId() + ")"));
    }
    ObjectNode out = ManagementEndpoints.grant(api, body, id, false, "/live/" + id + "/master.m3u8", null,
        "/play/" + id + "?live=1", null, claims -> { });
    out.put("live", true);
    call.respond(HttpResponseStatus.OK, out);
  }

  private LiveStream stream(String id) {
    return streams.find(id).orElseThrow(() -> unknown(id));
  }

  private ObjectNode json(LiveStream stream) {
    ObjectNode out = Responses.MAPPER.createObjectNode();
    out.put("id", stream.id()).put("name", stream.name()).put("status", stream.status().name())
        .put("createdAt", stream.createdAt().toString());
    out.put("startedAt", stream.startedAt() == null ? null : stream.startedAt().toString());
    out.put("endedAt", stream.endedAt() == null ? null : stream.endedAt().toString());
    out.put("recordingTitleId", stream.recordingTitleId());
    Optional<LiveHealth> health = stream.status() == LiveStatus.LIVE ? events.health(stream.id()) : Optional.empty();
    if (health.isPresent()) {
      ObjectNode h = out.putObject("health");
      LiveStats stats = health.get().stats();
      h.put("viewers", health.get().viewers()).put("runs", health.get().runs());
      if (stats != null) {
        h.put("inputBitsPerSecond", stats.inputBitsPerSecond()).put("inputFrameRate", stats.inputFrameRate())
            .put("width", stats.inputWidth()).put("height", stats.inputHeight())
            .put("droppedFrames", stats.droppedFrames()).put("encoderSpeed", stats.encoderSpeed())
            .put("segments", stats.segments()).put("parts", stats.parts());
        stats.droppedRenditions().forEach(r -> h.withArray("droppedRenditions").add(r));
      }
    }
    return out;
  }

  /** The URL a publisher pastes into OBS or ffmpeg: this server's host (as the API was reached), the RTMP port. */
  private String rtmpUrl(ApiCall call, String key) {
    int port = events.rtmpPort();
    if (port < 0) {
      return null;
    }
    String host = null;
    if (api.publicBaseUrl != null) {
      host = URI.create(api.publicBaseUrl).getHost();
    }
    if (host == null) {
      String header = call.headers().get(HttpHeaderNames.HOST);
      host = header == null ? "localhost" : hostOf(header);
    }
    return "rtmp://" + host + ":" + port + "/" + LiveEvents.APPLICATION + "/" + key;
  }

  private static String hostOf(String hostHeader) {
    if (hostHeader.startsWith("[")) {
      int end = hostHeader.indexOf(']');
      return end > 0 ? hostHeader.substring(0, end + 1) : hostHeader;
    }
    int colon = hostHeader.lastIndexOf(':');
    return colon > 0 ? hostHeader.substring(0, colon) : hostHeader;
  }

  private static String streamId(String text) {
    try {
      return UUID.fromString(text).toString();
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("live stream '" + text + "' does not exist; ids come from GET /api/live");
    }
  }

  private static ApiException unknown(String id) {
    return ApiException.notFound("live stream " + id + " does not exist; list streams with GET /api/live");
  }
}
