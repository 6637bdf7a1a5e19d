package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a request is parsed: turns a decoded {@link HttpRequest} into an {@link OriginRequest}, or answers it
 * with a JSON error. Every handler after this one reads only the {@link OriginRequest}.
 *
 * <p>Refused here: requests the codec could not parse (request line too long → 414, header block too large → 431,
 * anything else → 400, each closing the connection because the stream can no longer be trusted); ambiguous framing
 * (RFC 9112 §6.1: {@code Content-Length} with {@code Transfer-Encoding}, or a final transfer coding other than
 * {@code chunked} → 400; another coding before {@code chunked} → 501; each closing the connection); methods other than
 * GET/HEAD/OPTIONS (405; the API also takes POST, PUT, PATCH and DELETE, and a Clear Key licence URL takes POST
 * only); paths that fail {@link RequestPath} and
 * queries that fail {@link QueryString} (400, the connection kept). Request bodies are discarded, except for API and
 * licence requests, whose body follows the {@link OriginRequest} down the pipeline as {@link HttpContent}.
 *
 * <p>Routes: {@code /healthz}, {@code /metrics}, {@code /titles/<id>/<path>}, {@code /live/<id>/<path>},
 * {@code /edge/authorise},
 * {@code /api/...} and the pages ({@code /play}, {@code /admin}, {@code /pages}, {@code /webjars}); everything else is
 * 404. The client address is the connection's peer, or the viewer's address forwarded by a trusted proxy
 * ({@link TrustedProxies}).
 */
@Sharable
final class RequestDecoder extends ChannelInboundHandlerAdapter {

  static final String TITLES = "titles";
  /** The directory of a title's key URIs ({@code /titles/<id>/keys/<key id>}), reserved: no rendition is named so. */
  static final String KEYS = "keys";
  /** The Clear Key licence URL among a title's keys ({@code /titles/<id>/keys/clearkey}); no key id is named so. */
  static final String CLEAR_KEY_LICENSE = "clearkey";
  /** The root of live streams' paths ({@code /live/<id>/...}). */
  static final String LIVE = "live";
  static final String HEALTH_PATH = "healthz";
  static final String METRICS_PATH = "metrics";
  static final String EDGE_PATH = "edge";
  static final String EDGE_AUTHORISE_PATH = "authorise";
  static final String TOKEN_PARAMETER = "token";
  static final String API_PATH = "api";
  static final Set<String> PAGE_PATHS = Set.of("play", "admin", "browse", "pages", "webjars");

  /** Methods beyond GET and HEAD that API routes take. */
  static final Set<HttpMethod> API_METHODS =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);

  private static final Logger LOG = LoggerFactory.getLogger(RequestDecoder.class);

  /** How many recently parsed paths the origin finds again without parsing ({@link RequestPath.Recent}). */
  static final int RECENT_PATHS = 1024;

  private final OriginMetrics metrics;
  private final TrustedProxies trustedProxies;
  private final RequestPath.Recent recentPaths = new RequestPath.Recent(RECENT_PATHS);

  RequestDecoder(OriginMetrics metrics) {
    this(metrics, TrustedProxies.NONE);
  }

  RequestDecoder(OriginMetrics metrics, TrustedProxies trustedProxies) {
    this.metrics = metrics;
    this.trustedProxies = trustedProxies;
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
    ConnectionState state = ConnectionState.of(ctx.channel());
    state.forwardingBody = false;
    DecoderResult result = request.decoderResult();
    if (!result.isSuccess()) {
      refuseUnparseable(ctx, result.cause());
      return;
    }
    String transferEncoding = request.headers().get(HttpHeaderNames.TRANSFER_ENCODING);
    if (transferEncoding != null && !refuseUnknownCoding(ctx, transferEncoding)) {
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    PlainRequestDecoder.PlainRequest plain = request instanceof PlainRequestDecoder.PlainRequest p ? p : null;
    CharSequence uri = plain != null ? plain.target() : request.uri();
    int queryStart = HeadText.indexOf(uri, '?', 0);
    // Read in place, reusing what the connection's last request had: no copy of the target or its token.
    RequestPath path = recentPaths.parse(uri, queryStart < 0 ? uri.length() : queryStart, state.lastPath);
    if (path == null) {
      refuse(ctx, keepAlive, OriginMetrics.BAD_PATH, "the request path is not valid: use letters, digits, '.', '-'"
          + " and '_' in each segment, with well-formed percent-escapes");
      return;
    }
    Route route = route(path);
    // A plain request's target and headers are the connection's, read again for its next request: kept as they are
    // only where nothing can read them after the response (see answeredOnLoop), copied elsewhere.
    boolean reused = plain != null && answeredOnLoop(route);
    if (plain != null && !reused) {
      uri = plain.uri();
    }
    if (reused && state.reusedQuery == null) {
      state.reusedQuery = QueryString.reusable();
    }
    QueryString query;
    try {
      query = queryStart < 0 ? QueryString.EMPTY
          : QueryString.parse(uri, queryStart + 1, reused ? state.reusedQuery : null);
    } catch (IllegalArgumentException e) {
      refuse(ctx, keepAlive, OriginMetrics.BAD_QUERY, e.getMessage() + "; percent-encode the query as UTF-8");
      return;
    }
    HttpMethod method = request.method();
    boolean api = route == Route.API;
    if (method.equals(HttpMethod.OPTIONS) && !api) {
      // A CORS preflight was answered by the CORS handler; this is a plain OPTIONS.
      Responses.send(ctx, metrics, route, withAllow(Responses.full(HttpResponseStatus.NO_CONTENT, new byte[0],
          Responses.JSON, Responses.NO_STORE)), keepAlive, false);
      return;
    }
    boolean license = route == Route.LICENSE;
    if (license && !method.equals(HttpMethod.POST)) {
      metrics.rejected(OriginMetrics.METHOD_NOT_ALLOWED);
      FullHttpResponse refusal = Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
          method.name() + " is not served here; POST a Clear Key licence request");
      refusal.headers().set(HttpHeaderNames.ALLOW, "POST, OPTIONS");
      Responses.send(ctx, metrics, route, refusal, keepAlive, false);
      return;
    }
    if (!license && !method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)
        && !(api && API_METHODS.contains(method))) {
      metrics.rejected(OriginMetrics.METHOD_NOT_ALLOWED);
      Responses.error(ctx, metrics, route, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED,
          "method_not_allowed", method.name() + " is not served here; use GET, HEAD or OPTIONS");
      return;
    }
    if (route == Route.OTHER) {
      Responses.error(ctx, metrics, Route.OTHER, keepAlive, HttpResponseStatus.NOT_FOUND,
          "not_found", "nothing is served at this path");
      return;
    }
    InetAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    InetAddress client = trustedProxies.client(peer, request.headers());
    // A plain request has no body and no last content after it (PlainRequestDecoder).
    boolean body = (api || license) && plain == null && !(request instanceof LastHttpContent);
    state.forwardingBody = body;
    String token = query.get(TOKEN_PARAMETER, state.lastToken);
    state.lastPath = path;
    if (token != null) {
      state.lastToken = token;
    }
    HttpHeaders headers = plain != null && !reused ? plain.copiedHeaders() : request.headers();
    OriginRequest decoded;
    if (reused) {
      if (state.reusedRequest == null) {
        state.reusedRequest = new OriginRequest(method, headers, keepAlive, route, path, query, token, client, body);
      }
      decoded = state.reusedRequest.reset(method, headers, keepAlive, route, path, query, token, client, body);
    } else {
      decoded = new OriginRequest(method, headers, keepAlive, route, path, query, token, client, body);
    }
    ctx.fireChannelRead(decoded);
  }

  /**
   * Whether requests of {@code route} are answered by handlers that read them only on the connection's loop and not
   * after the response's last byte is written (file and playlist handlers, the token gate and its catalog
   * continuations, which run on the loop): then the connection's plain request, its query and its
   * {@link OriginRequest} are reused for the next request, which {@link PlainRequestDecoder} reads only once this
   * response is complete. API, key, licence, live, page and edge requests may be read on an executor or held for a
   * later answer, so theirs are copied.
   */
  static boolean answeredOnLoop(Route route) {
    return route == Route.MEDIA || route == Route.PLAYLIST || route == Route.MANIFEST || route == Route.STORYBOARD;
  }

  static Route route(RequestPath path) {
    if (path.size() == 0) {
      return Route.OTHER;
    }
    String first = path.segment(0);
    if (path.size() == 1 && first.equals(HEALTH_PATH)) {
      return Route.HEALTH;
    }
    if (path.size() == 1 && first.equals(METRICS_PATH)) {
      return Route.METRICS;
    }
    if (path.size() == 2 && first.equals(EDGE_PATH) && path.segment(1).equals(EDGE_AUTHORISE_PATH)) {
      return Route.EDGE_AUTH;
    }
    if (first.equals(API_PATH)) {
      return Route.API;
    }
    if (path.size() == 4 && first.equals(TITLES) && path.segment(2).equals(KEYS)) {
      return path.segment(3).equals(CLEAR_KEY_LICENSE) ? Route.LICENSE : Route.KEY;
    }
    if (path.size() == 4 && first.equals(TITLES) && path.segment(2).equals(StoryboardHandler.DIRECTORY)
        && path.last().equals(StoryboardHandler.INDEX)) {
      return Route.STORYBOARD;
    }
    if (path.size() >= 3 && first.equals(TITLES)) {
      String last = path.last();
      return last.endsWith(".m3u8") ? Route.PLAYLIST : last.endsWith(".mpd") ? Route.MANIFEST : Route.MEDIA;
    }
    if (path.size() >= 3 && first.equals(LIVE)) {
      return Route.LIVE;
    }
    if (PAGE_PATHS.contains(first)) {
      return Route.PAGE;
    }
    return Route.OTHER;
  }

  /**
   * RFC 9112 §6.1: chunked must be the final transfer coding of a request (else 400), and this origin implements no
   * other coding (501). Either way the body's length is unknown to us, so the connection closes.
   *
   * @return whether the request may go on
   */
  private boolean refuseUnknownCoding(ChannelHandlerContext ctx, String transferEncoding) {
    String[] codings = transferEncoding.split(",");
    String last = codings[codings.length - 1].trim();
    if (!last.equalsIgnoreCase(HttpHeaderValues.CHUNKED.toString())) {
      log(ctx, "a request whose final transfer coding is not chunked");
      metrics.rejected(OriginMetrics.BAD_FRAMING);
      Responses.errorAndClose(ctx, metrics, HttpResponseStatus.BAD_REQUEST, "bad_framing",
          "the request's final Transfer-Encoding must be chunked; send Content-Length or chunked bodies");
      return false;
    }
    if (codings.length > 1) {
      log(ctx, "a request with a transfer coding other than chunked");
      metrics.rejected(OriginMetrics.BAD_FRAMING);
      Responses.errorAndClose(ctx, metrics, HttpResponseStatus.NOT_IMPLEMENTED, "unsupported_transfer_coding",
          "only the chunked transfer coding is implemented; send the body uncompressed");
      return false;
    }
    return true;
  }

  private void refuse(ChannelHandlerContext ctx, boolean keepAlive, String reason, String message) {
    log(ctx, "a request: " + message);
    metrics.rejected(reason);
    Responses.error(ctx, metrics, Route.OTHER, keepAlive, HttpResponseStatus.BAD_REQUEST, reason, message);
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
    } else if (cause instanceof FramingCheckedRequestDecoder.AmbiguousFramingException) {
      log(ctx, "a request with both Content-Length and Transfer-Encoding");
      metrics.rejected(OriginMetrics.BAD_FRAMING);
      Responses.errorAndClose(ctx, metrics, HttpResponseStatus.BAD_REQUEST, "bad_framing",
          "the request has both Content-Length and Transfer-Encoding; send one of them");
    } else {
      log(ctx, "an unparseable request (" + LogText.escape(String.valueOf(cause.getMessage())) + ")");
      metrics.rejected(OriginMetrics.BAD_REQUEST);
      Responses.errorAndClose(ctx, metrics, HttpResponseStatus.BAD_REQUEST, "bad_request",
          "the request could not be parsed");
    }
  }

  /** One line per refused request, naming the client and never the request target (its query may hold a token). */
  private static void log(ChannelHandlerContext ctx, String what) {
    if (LOG.isInfoEnabled()) {
      LOG.info("refused {} from {}", what, ctx.channel().remoteAddress());
    }
  }

  private static FullHttpResponse withAllow(FullHttpResponse response) {
    response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS").remove(HttpHeaderNames.CONTENT_TYPE);
    return response;
  }
}
