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
 * Serves the manifests a player reads, personalised for the viewer's token: {@code *.m3u8} and {@code *.mpd}. A master
 * playlist becomes the viewer's session manifest (variants their claims allow, in the {@link VariantOrder}'s order); a
 * media playlist is sent as written. In both the token is spliced after every URI from a pre-split
 * {@link PlaylistTemplate}, so the player's follow-up requests carry it.
 *
 * <p>A DASH manifest ({@code manifest.mpd} beside {@code master.m3u8}, ISO/IEC 23009-1 §5.3.1, referencing the same
 * fMP4 init and media segments) is the DASH form of the same session manifest, so it is served here rather than by a
 * handler of its own: the same lookup (local or stored), the same height cap from the claims (Representations above
 * it left out, §5.3.5; 403 when no video fits, as for the master), the token after every URL (SegmentTemplate
 * §5.3.9.4, BaseURL §5.6; see {@link DashManifestTemplate}), and the same caching, with {@code application/dash+xml}. Only
 * the template differs, and it is chosen by the route.
 *
 * <p>Caching: a playlist response depends only on its URL (the token is in it) and the file, so shared caches may
 * keep it, but never past the token's expiry: {@code max-age} is the smaller of {@link #MAX_AGE_SECONDS} and the
 * token's remaining lifetime. Compressed with gzip when the client asks and the playlist is big enough to gain.
 *
 * <p>A stored title's playlists ({@link StoredTitles}) come from the disk cache, parsed on the storage executor when
 * they arrived, and are answered exactly as local ones.
 */
@Sharable
final class PlaylistHandler extends SimpleChannelInboundHandler<OriginRequest> {

  static final String MASTER_PLAYLIST = "master.m3u8";
  /** The DASH manifest the packager writes at a title's root, beside {@link #MASTER_PLAYLIST}. */
  static final String DASH_MANIFEST = "manifest.mpd";
  static final long MAX_AGE_SECONDS = 300;
  static final int GZIP_MIN_BYTES = 1024;
  private static final byte[] NO_TOKEN = new byte[0];

  private final TemplateLookup playlists;
  private final VariantOrder order;
  private final boolean spliceTokens;
  private final OriginMetrics metrics;

  PlaylistHandler(MediaRoot root, PlaylistCache playlists, VariantOrder order, boolean spliceTokens,
      OriginMetrics metrics) {
    this(root, null, playlists, order, spliceTokens, metrics);
  }

  /** Serves from {@code stored} when it is not null, otherwise from {@code root}. */
  PlaylistHandler(MediaRoot root, StoredTitles stored, PlaylistCache playlists, VariantOrder order,
      boolean spliceTokens, OriginMetrics metrics) {
    super(false);
    this.playlists = new TemplateLookup(root, stored, playlists, metrics);
    this.order = order;
    this.spliceTokens = spliceTokens;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route != Route.PLAYLIST && request.route != Route.MANIFEST) {
      ctx.fireChannelRead(request);
      return;
    }
    playlists.find(ctx, request, this::respond);
  }

  /** The directory of the requested file as a path-absolute URL: {@code /titles/t/} for {@code /titles/t/a.mpd}. */
  private static byte[] directory(RequestPath path) {
    String parent = path.size() > 1 ? String.join("/", path.segments().subList(0, path.size() - 1)) + "/" : "";
    return ("/" + parent).getBytes(StandardCharsets.UTF_8);
  }

  private void respond(ChannelHandlerContext ctx, OriginRequest request, PlaylistCache.Parsed parsed) {
    boolean dash = request.route == Route.MANIFEST;
    if (parsed == null || dash != (parsed.dash() != null)) {
      Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.NOT_FOUND,
          "not_found", dash ? "no such manifest" : "no such playlist");
      return;
    }
    byte[] token = spliceTokens && request.token != null
        ? request.token.getBytes(StandardCharsets.US_ASCII) : NO_TOKEN;
    ByteBuf body;
    if (parsed.master() != null || dash) {
      body = dash ? parsed.dash().render(ctx.alloc(), request.claims, token, directory(request.path))
          : parsed.master().render(ctx.alloc(), request.claims, order, token);
      if (body == null) {
        metrics.rejected(OriginMetrics.VARIANT_NOT_ALLOWED);
        Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.FORBIDDEN,
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
        .set(HttpHeaderNames.CONTENT_TYPE, dash ? MediaTypes.DASH_MANIFEST : MediaTypes.PLAYLIST)
        .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=" + maxAge(request))
        .set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    Responses.send(ctx, metrics, request.route, response, request.keepAlive, request.isHead());
  }

  /** The {@code max-age} of a response with the request's token spliced in: never past the token's expiry. */
  static long maxAge(OriginRequest request) {
    if (request.claims == null) {
      return MAX_AGE_SECONDS;
    }
    long left = request.claims.expiresAt().getEpochSecond() - Instant.now().getEpochSecond();
    return Math.max(0, Math.min(MAX_AGE_SECONDS, left));
  }

  static boolean acceptsGzip(OriginRequest request) {
    String accept = request.headers.get(HttpHeaderNames.ACCEPT_ENCODING);
    return accept != null && accept.contains("gzip");
  }

  /** {@code plain} (released) compressed with gzip. */
  static ByteBuf gzip(ChannelHandlerContext ctx, ByteBuf plain) {
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
