package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;

/**
 * Serves {@code *.m3u8}: a master playlist becomes the viewer's session manifest (variants their claims allow, in
 * the {@link VariantOrder}'s order); a media playlist is sent as written. In both the token is spliced after every
 * URI from a pre-split {@link PlaylistTemplate}, so the player's follow-up requests carry it.
 *
 * <p>Caching: a playlist response depends only on its URL (the token is in it) and the file, so shared caches may
 * keep it, but never past the token's expiry: {@code max-age} is the smaller of {@link #MAX_AGE_SECONDS} and the
 * token's remaining lifetime. Compressed with gzip when the client asks and the playlist is big enough to gain.
 */
@Sharable
final class PlaylistHandler extends SimpleChannelInboundHandler<OriginRequest> {

  static final String MASTER_PLAYLIST = "master.m3u8";
  static final long MAX_AGE_SECONDS = 300;
  static final int GZIP_MIN_BYTES = 1024;
  private static final byte[] NO_TOKEN = new byte[0];

  private final MediaRoot root;
  private final PlaylistCache playlists;
  private final VariantOrder order;
  private final boolean spliceTokens;
  private final OriginMetrics metrics;

  PlaylistHandler(MediaRoot root, PlaylistCache playlists, VariantOrder order, boolean spliceTokens,
      OriginMetrics metrics) {
    super(false);
    this.root = root;
    this.playlists = playlists;
    this.order = order;
    this.spliceTokens = spliceTokens;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route != Route.PLAYLIST) {
      ctx.fireChannelRead(request);
      return;
    }
    MediaRoot.File file = root.resolve(request.path);
    PlaylistCache.Parsed parsed = file == null ? null : playlists.get(file.path(), file.attributes());
    if (parsed == null) {
      Responses.error(ctx, metrics, Route.PLAYLIST, request.keepAlive, HttpResponseStatus.NOT_FOUND,
          "not_found", "no such playlist");
      return;
    }
    byte[] token = spliceTokens && request.token != null
        ? request.token.getBytes(StandardCharsets.US_ASCII) : NO_TOKEN;
    ByteBuf body;
    if (parsed.master() != null) {
      body = parsed.master().render(ctx.alloc(), request.claims, order, token);
      if (body == null) {
        metrics.rejected(OriginMetrics.VARIANT_NOT_ALLOWED);
        Responses.error(ctx, metrics, Route.PLAYLIST, request.keepAlive, HttpResponseStatus.FORBIDDEN,
            "forbidden", "this request is not authorised");
        return;
      }
    } else {
      PlaylistTemplate media = parsed.media();
      body = ctx.alloc().buffer(media.renderedLength(token.length));
      media.renderTo(body, token);
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    if (body.readableBytes() >= GZIP_MIN_BYTES && acceptsGzip(request)) {
      response = response.replace(gzip(ctx, body));
      response.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
    }
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, MediaTypes.PLAYLIST)
        .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=" + maxAge(request))
        .set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    Responses.send(ctx, metrics, Route.PLAYLIST, response, request.keepAlive, request.isHead());
  }

  private static long maxAge(OriginRequest request) {
    if (request.claims == null) {
      return MAX_AGE_SECONDS;
    }
    long left = request.claims.expiresAt().getEpochSecond() - Instant.now().getEpochSecond();
    return Math.max(0, Math.min(MAX_AGE_SECONDS, left));
  }

  private static boolean acceptsGzip(OriginRequest request) {
    String accept = request.headers.get(HttpHeaderNames.ACCEPT_ENCODING);
    return accept != null && accept.contains("gzip");
  }

  private static ByteBuf gzip(ChannelHandlerContext ctx, ByteBuf plain) {
    ByteBuf out = ctx.alloc().buffer(plain.readableBytes() / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(new ByteBufOutputStream(out))) {
      plain.readBytes(gz, plain.readableBytes());
    } catch (IOException e) {
      out.release();
      throw new UncheckedIOException(e);
    } finally {
      plain.release();
    }
    return out;
  }
}
