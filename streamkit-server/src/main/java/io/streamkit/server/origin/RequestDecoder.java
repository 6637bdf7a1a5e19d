package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;

/**
 * Turns a decoded {@link HttpRequest} into an {@link OriginRequest}, or answers it with a JSON error: requests the
 * codec could not parse (request line too long → 414, header block too large → 431, anything else → 400, each
 * closing the connection because the stream can no longer be trusted), methods other than GET/HEAD/OPTIONS (405;
 * the API also takes POST, PUT, PATCH and DELETE), and paths that fail {@link RequestPath} (400). Request bodies
 * are discarded, except for API requests, whose body follows the {@link OriginRequest} down the pipeline as
 * {@link HttpContent} for the {@link ApiRequestHandler}s.
 *
 * <p>Routes: {@code /healthz}, {@code /metrics}, {@code /titles/<id>/<path>} and {@code /api/...}; everything else is
 * 404.
 */
@Sharable
final class RequestDecoder extends ChannelInboundHandlerAdapter {

  static final String TITLES = "titles";
  static final String HEALTH_PATH = "healthz";
  static final String METRICS_PATH = "metrics";
  static final String TOKEN_PARAMETER = "token";
  static final String API_PATH = "api";

  /** Methods beyond GET and HEAD that API routes take. */
  static final Set<HttpMethod> API_METHODS =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private final OriginMetrics metrics;

  RequestDecoder(OriginMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequest request)) {
      if (msg instanceof HttpContent content) {
        ConnectionState state = ConnectionState.of(ctx.channel());
        if (state.forwardingBody) {
          state.forwardingBody = !(content instanceof LastHttpContent);
          ctx.fireChannelRead(content);
        } else {
          ReferenceCountUtil.release(msg);
        }
      } else {
        ctx.fireChannelRead(msg);
      }
      return;
    }
    ReferenceCountUtil.release(msg);
    ConnectionState.of(ctx.channel()).forwardingBody = false;
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    DecoderResult result = request.decoderResult();
    if (!result.isSuccess()) {
      refuseUnparseable(ctx, result.cause());
      return;
    }
    HttpMethod method = request.method();
    if (method.equals(HttpMethod.OPTIONS)) {
      // A CORS preflight was answered by the CORS handler; this is a plain OPTIONS.
      Responses.send(ctx, metrics, Route.OTHER, withAllow(Responses.full(HttpResponseStatus.NO_CONTENT, new byte[0],
          Responses.JSON, Responses.NO_STORE)), keepAlive, false);
      return;
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    RequestPath path = RequestPath.parse(query < 0 ? uri : uri.substring(0, query));
    if (path == null) {
      metrics.rejected(OriginMetrics.BAD_PATH);
      Responses.error(ctx, metrics, Route.OTHER, keepAlive, HttpResponseStatus.BAD_REQUEST,
          "bad_path", "the request path is not valid");
      return;
    }
    Route route = route(path);
    boolean api = route == Route.API;
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD) && !(api && API_METHODS.contains(method))) {
      metrics.rejected(OriginMetrics.METHOD_NOT_ALLOWED);
      Responses.error(ctx, metrics, Route.OTHER, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED,
          "method_not_allowed", "only GET, HEAD and OPTIONS are served");
      return;
    }
    String rawQuery = query < 0 ? null : uri.substring(query + 1);
    String token = rawQuery == null ? null : RequestPath.queryParameter(rawQuery, TOKEN_PARAMETER);
    if (route == Route.OTHER) {
      Responses.error(ctx, metrics, Route.OTHER, keepAlive, HttpResponseStatus.NOT_FOUND,
          "not_found", "nothing is served at this path");
      return;
    }
    InetAddress client = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    OriginRequest decoded = new OriginRequest(method, request.headers(), keepAlive, route, path, token, client);
    decoded.query = rawQuery;
    ConnectionState.of(ctx.channel()).forwardingBody = api && !(request instanceof LastHttpContent);
    ctx.fireChannelRead(decoded);
  }

  static Route route(RequestPath path) {
    if (path.size() == 1 && path.segment(0).equals(HEALTH_PATH)) {
      return Route.HEALTH;
    }
    if (path.size() == 1 && path.segment(0).equals(METRICS_PATH)) {
      return Route.METRICS;
    }
    if (path.size() >= 1 && path.segment(0).equals(API_PATH)) {
      return Route.API;
    }
    if (path.size() >= 3 && path.segment(0).equals(TITLES)) {
      return path.last().endsWith(".m3u8") ? Route.PLAYLIST : Route.MEDIA;
    }
    return Route.OTHER;
  }

  private void refuseUnparseable(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      metrics.rejected(OriginMetrics.URI_TOO_LONG);
      Responses.errorAndClose(ctx, metrics, HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
          "the request line is longer than this origin accepts");
    } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      metrics.rejected(OriginMetrics.HEADERS_TOO_LARGE);
      Responses.errorAndClose(ctx, metrics, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
          "the request headers are larger than this origin accepts");
    } else {
      metrics.rejected(OriginMetrics.BAD_REQUEST);
      Responses.errorAndClose(ctx, metrics, HttpResponseStatus.BAD_REQUEST, "bad_request",
          "the request could not be parsed");
    }
  }

  private static FullHttpResponse withAllow(FullHttpResponse response) {
    response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS").remove(HttpHeaderNames.CONTENT_TYPE);
    return response;
  }
}
