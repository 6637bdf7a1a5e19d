package io.streamkit.server.origin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.streamkit.core.token.PlaybackClaims;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.regex.Pattern;

/**
 * The origin's pages: the player ({@code /play/<title id>}, any id a playback token can name), the admin console
 * ({@code /admin}), their scripts and styles ({@code /pages/<name>.js|css}) and hls.js from its webjar
 * ({@code /webjars/...}), all read from the class path. Requests for any other path go on down the pipeline
 * untouched.
 *
 * <p>Paths are matched against an allow-list rather than sanitised: every segment must be letters, digits, '.', '-'
 * or '_' and must not start with a dot, so {@code ..}, encoded characters ({@code %2e}, {@code %2f}) and hidden
 * files never reach the class loader; file types outside a short list (never {@code .class}) are not served.
 *
 * <p>Caching (RFC 9111): webjar paths carry their version, so they are {@code immutable} for a year; the pages and
 * their scripts change with the server, so browsers revalidate them with the strong ETag ({@code no-cache}, answered
 * by 304 when unchanged). Pages send {@code Referrer-Policy: no-referrer} because the player's URL carries the
 * playback token, and a Content-Security-Policy that allows only this origin (plus {@code blob:}, which hls.js uses
 * for its media source and worker).
 */
@Sharable
public final class PageHandler extends ChannelInboundHandlerAdapter {

  static final String PLAY = "play";
  static final String ADMIN = "admin";
  static final String PAGES = "pages";
  static final String WEBJARS = "webjars";
  static final String PAGE_RESOURCES = "io/streamkit/server/pages/";
  static final String WEBJAR_RESOURCES = "META-INF/resources/webjars/";
  static final String REVALIDATE = "no-cache";
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data: blob:; media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; "
      + "object-src 'none'; base-uri 'none'";
  static final int MAX_SEGMENTS = 8;

  private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  private static final CharSequence JSON = "application/json; charset=utf-8";

  private final ClassPathResources resources;

  public PageHandler() {
    this(new ClassPathResources(PageHandler.class.getClassLoader()));
  }

  PageHandler(ClassPathResources resources) {
    this.resources = resources;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequest request) || !request.decoderResult().isSuccess()) {
      ctx.fireChannelRead(msg);
      return;
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    String first = firstSegment(path);
    if (!first.equals(PLAY) && !first.equals(ADMIN) && !first.equals(PAGES) && !first.equals(WEBJARS)) {
      ctx.fireChannelRead(msg);
      return;
    }
    // The request's (empty) body follows as HttpContent; the request decoder downstream discards it.
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpMethod method = request.method();
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
      FullHttpResponse response = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
          "pages are read with GET or HEAD; the API is under /api");
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, response, keepAlive);
      return;
    }
    String[] segments = segments(path);
    ClassPathResources.Resource resource = segments == null ? null : resolve(segments);
    if (resource == null) {
      // Allow-listed segments are safe to echo inside the JSON string; anything else is not echoed.
      String where = segments == null ? "this path" : path;
      send(ctx, error(HttpResponseStatus.NOT_FOUND, "not_found",
          "no page at " + where + "; the player is /play/<title id>, the console /admin"), keepAlive);
      return;
    }
    send(ctx, respond(request, resource, first), keepAlive);
  }

  private ClassPathResources.Resource resolve(String[] segments) {
    switch (segments[0]) {
      case ADMIN:
        return segments.length == 1 ? resources.get(PAGE_RESOURCES + "admin.html") : null;
      case PLAY:
        return segments.length == 2 && PlaybackClaims.TITLE_ID.matcher(segments[1]).matches()
            ? resources.get(PAGE_RESOURCES + "player.html") : null;
      case PAGES:
        return segments.length == 2 && (segments[1].endsWith(".js") || segments[1].endsWith(".css"))
            ? resources.get(PAGE_RESOURCES + segments[1]) : null;
      case WEBJARS:
        String last = segments[segments.length - 1];
        return segments.length >= 3 && (last.endsWith(".js") || last.endsWith(".map"))
            ? resources.get(WEBJAR_RESOURCES + String.join("/", Arrays.copyOfRange(segments, 1, segments.length)))
            : null;
      default:
        return null;
    }
  }

  private static FullHttpResponse respond(HttpRequest request, ClassPathResources.Resource resource, String first) {
    boolean html = first.equals(PLAY) || first.equals(ADMIN);
    String ifNoneMatch = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
    boolean unchanged = ifNoneMatch != null && matches(ifNoneMatch, resource.etag());
    boolean head = request.method().equals(HttpMethod.HEAD);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        unchanged ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
        unchanged || head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(resource.bytes()));
    response.headers()
        .set(HttpHeaderNames.ETAG, resource.etag())
        .set(HttpHeaderNames.CACHE_CONTROL, first.equals(WEBJARS) ? IMMUTABLE : REVALIDATE)
        .set("X-Content-Type-Options", "nosniff");
    if (!unchanged) {
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, resource.contentType())
          .set(HttpHeaderNames.CONTENT_LENGTH, resource.bytes().length);
    }
    if (html) {
      response.headers()
          .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
          .set("Referrer-Policy", "no-referrer");
    }
    return response;
  }

  /** If-None-Match (RFC 9110 §13.1.2): a list of entity tags or "*", compared weakly. */
  static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
        return true;
      }
    }
    return false;
  }

  private static String firstSegment(String path) {
    if (path.length() < 2 || path.charAt(0) != '/') {
      return "";
    }
    int end = path.indexOf('/', 1);
    return path.substring(1, end < 0 ? path.length() : end);
  }

  /** The path's segments, or {@code null} when any is outside the allow-list. A trailing slash is ignored. */
  static String[] segments(String path) {
    String trimmed = path.endsWith("/") ? path.substring(1, path.length() - 1) : path.substring(1);
    String[] segments = trimmed.split("/", -1);
    if (segments.length > MAX_SEGMENTS) {
      return null;
    }
    for (String segment : segments) {
      if (!SAFE_SEGMENT.matcher(segment).matches()) {
        return null;
      }
    }
    return segments;
  }

  private static FullHttpResponse error(HttpResponseStatus status, String code, String message) {
    String body = "{\"error\":\"" + code + "\",\"status\":" + status.code() + ",\"message\":\"" + message + "\"}\n";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(bytes));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }

  /** The keep-alive handler upstream closes the connection after a response that is not keep-alive. */
  private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    response.headers().set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
    HttpUtil.setKeepAlive(response, keepAlive);
    ctx.writeAndFlush(response);
  }
}
