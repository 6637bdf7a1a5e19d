package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Serves a title's storyboard index, {@code /titles/<id>/storyboard/storyboard.vtt}: a WebVTT file whose cues name
 * thumbnail tiles as {@code sheet_000.jpg#xywh=x,y,w,h} (W3C Media Fragments URI 1.0 section 4.2.1). As in a
 * playlist ({@link PlaylistHandler}), the viewer's token is spliced after every image URL, before its fragment, from a
 * pre-split {@link PlaylistTemplate} cached with the playlists, so a player or thumbnail plugin fetches the sheets
 * (served by {@link FileHandler} like any media) with it. Caching and gzip follow the playlists' rules.
 */
@Sharable
final class StoryboardHandler extends SimpleChannelInboundHandler<OriginRequest> {

  static final String DIRECTORY = "storyboard";
  static final String INDEX = "storyboard.vtt";
  static final String CONTENT_TYPE = "text/vtt; charset=utf-8";
  private static final byte[] NO_TOKEN = new byte[0];

  private final TemplateLookup templates;
  private final boolean spliceTokens;
  private final OriginMetrics metrics;

  /** Serves from {@code stored} when it is not null, otherwise from {@code root}. */
  StoryboardHandler(MediaRoot root, StoredTitles stored, PlaylistCache templates, boolean spliceTokens,
      OriginMetrics metrics) {
    super(false);
    this.templates = new TemplateLookup(root, stored, templates, metrics);
    this.spliceTokens = spliceTokens;
    this.metrics = metrics;
  }

  /** Whether {@code text} is a WebVTT file: "WEBVTT" first, after an optional byte order mark (W3C WebVTT 4.1). */
  static boolean isIndex(String text) {
    return text.startsWith("WEBVTT") || text.startsWith("\uFEFFWEBVTT");
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route != Route.STORYBOARD) {
      ctx.fireChannelRead(request);
      return;
    }
    templates.find(ctx, request, this::respond);
  }

  private void respond(ChannelHandlerContext ctx, OriginRequest request, PlaylistCache.Parsed parsed) {
    if (parsed == null || parsed.media() == null) {
      Responses.error(ctx, metrics, Route.STORYBOARD, request.keepAlive, HttpResponseStatus.NOT_FOUND,
          "not_found", "this title has no storyboard");
      return;
    }
    byte[] token = spliceTokens && request.token != null
        ? request.token.getBytes(StandardCharsets.US_ASCII) : NO_TOKEN;
    PlaylistTemplate index = parsed.media();
    ByteBuf body = ctx.alloc().buffer(index.renderedLength(token.length));
    index.renderTo(body, token);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    if (body.readableBytes() >= PlaylistHandler.GZIP_MIN_BYTES && PlaylistHandler.acceptsGzip(request)) {
      response = response.replace(PlaylistHandler.gzip(ctx, body));
      response.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
    }
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
        .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=" + PlaylistHandler.maxAge(request))
        .set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    Responses.send(ctx, metrics, Route.STORYBOARD, response, request.keepAlive, request.isHead());
  }
}
