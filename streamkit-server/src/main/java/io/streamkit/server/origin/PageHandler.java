package io.streamkit.server.origin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.streamkit.core.token.PlaybackClaims;
import java.net.URI;

/**
 * The origin's pages: the viewer's browse page ({@code /browse}) and title page ({@code /browse/title/<title id>}),
 * one page that shows either, the player ({@code /play/<title id>}, any id a playback token can name), the admin console
 * ({@code /admin}), their scripts and styles ({@code /pages/<name>.js|css}) and the players ({@code /webjars/...}: hls.js
 * from its webjar, dash.js and Shaka Player laid out the same way by the build from their npm packages, and uPlot's
 * script and style sheet for the admin page's charts), all read
 * from the class path, for GET and HEAD (the request decoder refuses other methods).
 * Requests on other routes go on down the pipeline.
 *
 * <p>Paths arrive checked by {@link RequestPath}'s allow-list (letters, digits, '.', '-', '_', no leading dot), so
 * {@code ..}, encoded characters and hidden files never reach the class loader; file types outside a short list
 * (never {@code .class}) are not served.
 *
 * <p>Caching (RFC 9111): webjar paths carry their version, so they are {@code immutable} for a year; the pages and
 * their scripts change with the server, so browsers revalidate them with the strong ETag ({@code no-cache}, answered
 * by 304 when unchanged). Pages send {@code Referrer-Policy: no-referrer} because the player's URL carries the
 * playback token, and a Content-Security-Policy that allows only this origin (plus {@code blob:}, which hls.js uses
 * for its media source and worker); on a server with direct uploads the admin page may also connect to the storage
 * its pre-signed part URLs point to.
 */
@Sharable
final class PageHandler extends SimpleChannelInboundHandler<OriginRequest> {

  static final String PLAY = "play";
  static final String ADMIN = "admin";
  static final String BROWSE = "browse";
  static final String TITLE = "title";
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

  private final ClassPathResources resources;
  private final OriginMetrics metrics;
  private final String adminPolicy;

  PageHandler(OriginMetrics metrics) {
    this(new ClassPathResources(PageHandler.class.getClassLoader()), metrics, null);
  }

  /** With {@code uploadOrigin}, the admin page may also send direct uploads there (pre-signed part URLs). */
  PageHandler(OriginMetrics metrics, URI uploadOrigin) {
    this(new ClassPathResources(PageHandler.class.getClassLoader()), metrics, uploadOrigin);
  }

  PageHandler(ClassPathResources resources, OriginMetrics metrics) {
    this(resources, metrics, null);
  }

  private PageHandler(ClassPathResources resources, OriginMetrics metrics, URI uploadOrigin) {
    super(false);
    this.resources = resources;
    this.metrics = metrics;
    this.adminPolicy = uploadOrigin == null ? CONTENT_SECURITY_POLICY
        : CONTENT_SECURITY_POLICY.replace("connect-src 'self'", "connect-src 'self' " + uploadOrigin);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route != Route.PAGE) {
      ctx.fireChannelRead(request);
      return;
    }
    ClassPathResources.Resource resource = resolve(request.path);
    if (resource == null) {
      // Allow-listed segments are safe to echo.
      Responses.error(ctx, metrics, Route.PAGE, request.keepAlive, HttpResponseStatus.NOT_FOUND, "not_found",
          "no page at /" + request.path.join(0) + "; the player is /play/<title id>, the console /admin, the catalog /browse");
      return;
    }
    Responses.send(ctx, metrics, Route.PAGE, respond(request, resource), request.keepAlive, request.isHead());
  }

  private ClassPathResources.Resource resolve(RequestPath path) {
    if (path.size() > MAX_SEGMENTS) {
      return null;
    }
    switch (path.segment(0)) {
      case ADMIN:
        return path.size() == 1 ? resources.get(PAGE_RESOURCES + "admin.html") : null;
      case BROWSE:
        return path.size() == 1 || (path.size() == 3 && path.segment(1).equals(TITLE)
            && PlaybackClaims.TITLE_ID.matcher(path.segment(2)).matches())
            ? resources.get(PAGE_RESOURCES + "browse.html") : null;
      case PLAY:
        return path.size() == 2 && PlaybackClaims.TITLE_ID.matcher(path.segment(1)).matches()
            ? resources.get(PAGE_RESOURCES + "player.html") : null;
      case PAGES:
        return path.size() == 2 && (path.segment(1).endsWith(".js") || path.segment(1).endsWith(".css"))
            ? resources.get(PAGE_RESOURCES + path.segment(1)) : null;
      case WEBJARS:
        String last = path.last();
        return path.size() >= 3 && (last.endsWith(".js") || last.endsWith(".map") || last.endsWith(".css"))
            ? resources.get(WEBJAR_RESOURCES + path.join(1)) : null;
      default:
        return null;
    }
  }

  private FullHttpResponse respond(OriginRequest request, ClassPathResources.Resource resource) {
    String first = request.path.segment(0);
    boolean html = first.equals(PLAY) || first.equals(ADMIN) || first.equals(BROWSE);
    boolean unchanged = HttpConditionals.notModified(request.headers, resource.etag(), -1);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        unchanged ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
        unchanged ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(resource.bytes()));
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
          .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, first.equals(ADMIN) ? adminPolicy : CONTENT_SECURITY_POLICY)
          .set("Referrer-Policy", "no-referrer");
    }
    return response;
  }
}
