package io.streamkit.server.origin;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;

/**
 * Cross-origin resource sharing (WHATWG Fetch §3.2), so a player page on another origin can read segments and
 * playlists: any origin may read ({@code Access-Control-Allow-Origin: *}; tokens, not cookies, carry authority), the
 * headers players send ({@code Range} and the validators) are allowed, and the ones they read are exposed.
 *
 * <p>The Clear Key licence URL ({@code POST /titles/<id>/keys/clearkey}) takes a JSON body, and a player that labels it
 * {@code Content-Type: application/json} (not a CORS-safelisted request header, Fetch §2.2.2) sends a preflight first;
 * a preflight for that route alone allows {@code POST} and {@code Content-Type} (Fetch §3.2.5: the preflight succeeds
 * only if the method and every requested header are listed). Media routes stay read-only: their preflights list
 * {@code GET} and {@code HEAD}, and the licence route's lists no {@code Range} (its token comes in {@code ?token=},
 * as on every title route).
 *
 * <p>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is answered here.
 * Every other response gets the CORS headers, whether its request carried {@code Origin} or not: a segment is cached
 * for a year, and a browser (or a CDN) that cached it for a same-origin page must be able to hand the same copy to a
 * player on another origin. Sending them only to cross-origin requests would need {@code Vary: Origin}, which splits
 * every shared cache entry by the embedding site. Netty's own {@code CorsHandler}
 * builds its preflight answer with combined headers, which quote any value holding a comma — the {@code Date}
 * included, which then is no HTTP date (RFC 9110 §5.6.7); this handler writes plain headers.
 */
final class CrossOriginHandler extends ChannelDuplexHandler {

  static final AsciiString ANY_ORIGIN = AsciiString.cached("*");
  static final AsciiString ALLOWED_METHODS = AsciiString.cached("GET, HEAD, OPTIONS");
  static final AsciiString ALLOWED_HEADERS =
      AsciiString.cached("Range, If-None-Match, If-Modified-Since, If-Range, Authorization, CMCD-Object,"
          + " CMCD-Request, CMCD-Session, CMCD-Status");
  static final AsciiString EXPOSED_HEADERS =
      AsciiString.cached("Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified, Date");
  static final AsciiString LICENSE_METHODS = AsciiString.cached("POST, OPTIONS");
  static final AsciiString LICENSE_HEADERS = AsciiString.cached("Content-Type");
  static final AsciiString MAX_AGE_SECONDS = AsciiString.cached("86400");

  /** Whether the rest of a CORS preflight's body is being dropped. */
  private boolean discardingPreflightBody;

  /** One per connection: it remembers whether a preflight's body is being dropped. */
  CrossOriginHandler() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      HttpHeaders headers = request.headers();
      if (headers.contains(HttpHeaderNames.ORIGIN) && request.method().equals(HttpMethod.OPTIONS)
          && headers.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
        discardingPreflightBody = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        answerPreflight(ctx, HttpUtil.isKeepAlive(request), isLicenseRoute(request.uri()));
        return;
      }
    } else if (discardingPreflightBody && msg instanceof HttpContent) {
      discardingPreflightBody = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response
        && !response.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)) {
      response.headers()
          .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN)
          .set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    }
    ctx.write(msg, promise);
  }

  /** Whether a preflight's target is a Clear Key licence URL, routed as the request decoder will route it. */
  private static boolean isLicenseRoute(String uri) {
    int queryStart = uri.indexOf('?');
    RequestPath path = RequestPath.parse(uri, queryStart < 0 ? uri.length() : queryStart, null);
    return path != null && RequestDecoder.route(path) == Route.LICENSE;
  }

  private static void answerPreflight(ChannelHandlerContext ctx, boolean keepAlive, boolean license) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers()
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, ANY_ORIGIN)
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, license ? LICENSE_METHODS : ALLOWED_METHODS)
        .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, license ? LICENSE_HEADERS : ALLOWED_HEADERS)
        .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
        .set(HttpHeaderNames.CONTENT_LENGTH, 0);
    Responses.prepare(response, keepAlive);
    ctx.writeAndFlush(response);
  }
}
