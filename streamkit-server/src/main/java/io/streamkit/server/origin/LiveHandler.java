package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.hls.live.LivePlaylists;
import io.streamkit.hls.live.LiveRendition;
import io.streamkit.server.live.LiveEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves a live stream under {@code /live/<id>/}: the multivariant playlist, media playlists with the Low-Latency HLS
 * delivery directives, partial segments, segments and initialisation segments, from the stream's
 * {@link LivePlaylists}. The token gate has passed the request; the stream id is the token's title.
 *
 * <p>Blocking playlist reload (RFC 8216bis section 6.2.5.2): a request with {@code _HLS_msn=M} (and
 * {@code _HLS_part=P}) is answered once the playlist holds segment {@code M} (part {@code P} of it); an {@code M} more
 * than two segments beyond the live edge is a 400, a wait longer than three target durations a 503. A request for the
 * part a preload hint announced (section 4.4.5.3) is likewise answered once the part exists. The wait parks no
 * thread: the request is completed from the playlists' future on the channel's event loop; while it waits,
 * {@link RequestCycleHandler} holds any request pipelined behind it.
 *
 * <p>Height caps: the multivariant playlist lists only the renditions the viewer's claims allow, and the playlists
 * and media of a taller rendition are refused, as for a title.
 */
@Sharable
final class LiveHandler extends SimpleChannelInboundHandler<OriginRequest> {

  static final String MASTER_PLAYLIST = "master.m3u8";
  static final String MEDIA_PLAYLIST = "index.m3u8";
  /** Segments and parts never change once listed. */
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  /** A live playlist changes with every part; CDNs key blocking requests by their query (section 6.2.5.2). */
  static final String PLAYLIST_CACHE = "no-cache";
  /** How many target durations a blocking request waits at most, after RFC 8216bis section 6.2.5.2. */
  static final int BLOCKING_TARGET_DURATIONS = 3;

  private static final Pattern PART = Pattern.compile("part_(\\d{1,18})_(\\d{1,9})\\.m4s");
  private static final Pattern SEGMENT = Pattern.compile("seg_(\\d{1,18})\\.m4s");
  private static final Pattern INIT = Pattern.compile("init_(\\d{1,9})\\.mp4");

  private final LiveEvents events;
  private final OriginMetrics metrics;

  LiveHandler(LiveEvents events, OriginMetrics metrics) {
    super(false);
    this.events = events;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route != Route.LIVE) {
      ctx.fireChannelRead(request);
      return;
    }
    String id = request.path.segment(1);
    Optional<LivePlaylists> found = events == null ? Optional.empty() : events.playlists(id);
    if (found.isEmpty()) {
      notFound(ctx, request, "no live stream " + id + " is on air here");
      return;
    }
    LivePlaylists live = found.get();
    if (request.claims != null) {
      events.watched(id, request.claims.sessionId());
    }
    String query = request.token == null ? "" : RequestDecoder.TOKEN_PARAMETER + "=" + request.token;
    if (request.path.size() == 3 && request.path.last().equals(MASTER_PLAYLIST)) {
      List<LiveRendition> renditions = live.renditions();
      boolean video = renditions.stream().anyMatch(r -> !r.audio());
      if (video && renditions.stream().noneMatch(r -> !r.audio() && allowed(request, r))) {
        // Every picture is taller than the viewer's cap: refused, as a title's master playlist is, rather than a
        // playlist with no variant to play.
        forbidden(ctx, request);
        return;
      }
      sendPlaylist(ctx, request, live.masterPlaylist(r -> allowed(request, r), query));
      return;
    }
    if (request.path.size() != 4) {
      notFound(ctx, request, "nothing is served at this live path");
      return;
    }
    String rendition = request.path.segment(2);
    Optional<LiveRendition> known = live.renditions().stream().filter(r -> r.name().equals(rendition)).findFirst();
    if (known.isPresent() && !allowed(request, known.get())) {
      forbidden(ctx, request);
      return;
    }
    String file = request.path.last();
    if (file.equals(MEDIA_PLAYLIST)) {
      mediaPlaylist(ctx, request, live, rendition, query);
      return;
    }
    Matcher part = PART.matcher(file);
    if (part.matches()) {
      part(ctx, request, live, rendition, Long.parseLong(part.group(1)), Integer.parseInt(part.group(2)));
      return;
    }
    Matcher segment = SEGMENT.matcher(file);
    if (segment.matches()) {
      sendFile(ctx, request, live.segment(rendition, Long.parseLong(segment.group(1))));
      return;
    }
    Matcher init = INIT.matcher(file);
    if (init.matches()) {
      sendFile(ctx, request, live.init(rendition, Integer.parseInt(init.group(1))));
      return;
    }
    notFound(ctx, request, "no such file in this live stream");
  }

  private static boolean allowed(OriginRequest request, LiveRendition rendition) {
    if (rendition.audio() || request.claims == null || request.claims.maxHeight().isEmpty()) {
      return true;
    }
    return rendition.height() <= request.claims.maxHeight().getAsInt();
  }

  /** Section 6.2.5: {@code _HLS_msn}, {@code _HLS_part} and {@code _HLS_skip}. */
  private void mediaPlaylist(ChannelHandlerContext ctx, OriginRequest request, LivePlaylists live, String rendition,
      String query) {
    String msnText = request.query.get("_HLS_msn");
    String partText = request.query.get("_HLS_part");
    String skipText = request.query.get("_HLS_skip");
    boolean skip = "YES".equals(skipText) || "v2".equals(skipText);
    if (msnText == null && partText != null) {
      badRequest(ctx, request, "_HLS_part needs _HLS_msn (RFC 8216bis section 6.2.5.2); send both");
      return;
    }
    if (msnText == null) {
      render(ctx, request, live, rendition, skip, query);
      return;
    }
    long msn;
    int part;
    try {
      msn = Long.parseLong(msnText);
      part = partText == null ? -1 : Integer.parseInt(partText);
    } catch (NumberFormatException e) {
      badRequest(ctx, request, "_HLS_msn and _HLS_part must be non-negative integers");
      return;
    }
    if (msn < 0 || (partText != null && part < 0)) {
      badRequest(ctx, request, "_HLS_msn and _HLS_part must be non-negative integers");
      return;
    }
    if (!live.hasRendition(rendition)) {
      notFound(ctx, request, "no such rendition in this live stream");
      return;
    }
    if (msn > live.lastMsn(rendition) + 2) {
      badRequest(ctx, request, "_HLS_msn " + msn + " is more than two segments beyond the live edge ("
          + live.lastMsn(rendition) + ")");
      return;
    }
    if (live.has(rendition, msn, part) || live.ended()) {
      render(ctx, request, live, rendition, skip, query);
      return;
    }
    await(live.whenAvailable(rendition, msn, part)).whenCompleteAsync((done, failure) -> {
      if (failure != null) {
        unavailable(ctx, request, "the live stream did not reach segment " + msn + (part < 0 ? "" : " part " + part)
            + " in time; reload the playlist");
      } else {
        render(ctx, request, live, rendition, skip, query);
      }
    }, ctx.executor());
  }

  private void part(ChannelHandlerContext ctx, OriginRequest request, LivePlaylists live, String rendition,
      long msn, int part) {
    Optional<byte[]> bytes = live.part(rendition, msn, part);
    if (bytes.isPresent()) {
      sendBytes(ctx, request, bytes.get());
      return;
    }
    long edge = live.lastMsn(rendition);
    if (live.ended() || msn < edge || msn > edge + 1 || live.has(rendition, msn, part)) {
      notFound(ctx, request, "no such part in this live stream");
      return;
    }
    // The part a preload hint announced, or one just after it: answered when it is produced.
    await(live.whenAvailable(rendition, msn, part)).whenCompleteAsync((done, failure) -> {
      Optional<byte[]> produced = live.part(rendition, msn, part);
      if (produced.isPresent()) {
        sendBytes(ctx, request, produced.get());
      } else if (failure != null) {
        unavailable(ctx, request, "the part was not produced in time; reload the playlist");
      } else {
        notFound(ctx, request, "no such part in this live stream");
      }
    }, ctx.executor());
  }

  /**
   * The wait itself times out, not a copy of it: {@link LivePlaylists#whenAvailable} forgets a future once it is
   * completed, so waits abandoned during a stall do not pile up on the stream until it resumes.
   */
  private CompletableFuture<Void> await(CompletableFuture<Void> available) {
    long millis = BLOCKING_TARGET_DURATIONS * events.segmentDuration().toMillis();
    return available.orTimeout(millis, TimeUnit.MILLISECONDS);
  }

  private void render(ChannelHandlerContext ctx, OriginRequest request, LivePlaylists live, String rendition,
      boolean skip, String query) {
    Optional<String> playlist = live.mediaPlaylist(rendition, skip, query);
    if (playlist.isEmpty()) {
      notFound(ctx, request, "no such rendition in this live stream");
      return;
    }
    sendPlaylist(ctx, request, playlist.get());
  }

  private void sendPlaylist(ChannelHandlerContext ctx, OriginRequest request, String playlist) {
    FullHttpResponse response = Responses.full(HttpResponseStatus.OK, playlist.getBytes(StandardCharsets.UTF_8),
        MediaTypes.PLAYLIST, PLAYLIST_CACHE);
    Responses.send(ctx, metrics, Route.LIVE, response, request.keepAlive, request.isHead());
  }

  private void sendBytes(ChannelHandlerContext ctx, OriginRequest request, byte[] bytes) {
    FullHttpResponse response = Responses.full(HttpResponseStatus.OK, bytes, MediaTypes.of(request.path.last()),
        IMMUTABLE);
    Responses.send(ctx, metrics, Route.LIVE, response, request.keepAlive, request.isHead());
  }

  /** A complete segment or an init segment: small, recent and in the page cache. */
  private void sendFile(ChannelHandlerContext ctx, OriginRequest request, Optional<Path> file) {
    if (file.isEmpty()) {
      notFound(ctx, request, "no such file in this live stream");
      return;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file.get());
    } catch (IOException e) {
      notFound(ctx, request, "no such file in this live stream");
      return;
    }
    FullHttpResponse response = Responses.full(HttpResponseStatus.OK, bytes, MediaTypes.of(request.path.last()),
        IMMUTABLE);
    Responses.send(ctx, metrics, Route.LIVE, response, request.keepAlive, request.isHead());
  }

  private void forbidden(ChannelHandlerContext ctx, OriginRequest request) {
    metrics.rejected(OriginMetrics.VARIANT_NOT_ALLOWED);
    Responses.error(ctx, metrics, Route.LIVE, request.keepAlive, HttpResponseStatus.FORBIDDEN, "forbidden",
        "this request is not authorised");
  }

  private void notFound(ChannelHandlerContext ctx, OriginRequest request, String message) {
    Responses.error(ctx, metrics, Route.LIVE, request.keepAlive, HttpResponseStatus.NOT_FOUND, "not_found", message);
  }

  private void badRequest(ChannelHandlerContext ctx, OriginRequest request, String message) {
    Responses.error(ctx, metrics, Route.LIVE, request.keepAlive, HttpResponseStatus.BAD_REQUEST, "bad_request",
        message);
  }

  private void unavailable(ChannelHandlerContext ctx, OriginRequest request, String message) {
    FullHttpResponse response = Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "not_yet", message);
    response.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
    Responses.send(ctx, metrics, Route.LIVE, response, request.keepAlive, request.isHead());
  }
}
