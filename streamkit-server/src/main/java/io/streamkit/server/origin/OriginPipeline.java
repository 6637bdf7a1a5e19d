package io.streamkit.server.origin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * The origin's channel pipeline: one handler per concern, named here, in this order (after reactor-netty's
 * {@code NettyPipeline}):
 *
 * <pre>
 *  socket
 *    │
 *  connection-limit     ConnectionLimiter      count open connections, refuse beyond the limit, join the drain group
 *  tls (optional)       SslHandler
 *  client-timeouts      ClientTimeoutHandler   idle keep-alive; whole-request-head deadline (slow loris); write stall
 *  http-codec           PlainRequestDecoder + ReusedHeadEncoder
 *                                              a plain GET/HEAD head read into the connection's reused request;
 *                                              any other head to FramingCheckedRequestDecoder (Netty's): limits on
 *                                              request line (URI) and header block sizes; ambiguous framing
 *                                              (Content-Length with Transfer-Encoding) marked as a failed request;
 *                                              responses by Netty's encoder, a reused file response head into one
 *                                              buffer the connection keeps
 *  request-cycle        RequestCycleHandler    request head decoded → busy; last response byte written → idle;
 *                                              pipelined requests held until the response before them is complete
 *  keep-alive           HttpServerKeepAliveHandler
 *  chunked (TLS only)   ChunkedWriteHandler    files go as chunks when sendfile cannot be used
 *  cors                 CrossOriginHandler     preflight OPTIONS answered here; CORS headers on cross-origin responses
 *  request-decoder      RequestDecoder         the one parse: method, framing, path, query, route, client address
 *                                              (forwarded by a trusted proxy, else the peer) → OriginRequest
 *  license-body         LicenseRequestReader   a Clear Key licence request's body read whole (413 over its limit)
 *                                              before the request goes on
 *  rate-limit           RateLimitHandler       per client: 429 for API, key and licence requests over their limits,
 *                                              and for title requests after too many failed token checks
 *  token-gate           TokenGate              title requests need a token that authorises this title and client
 *  stream-limits        StreamLimitHandler     (with a store) a master playlist or DASH manifest opens a playback
 *                                              session within the viewer's concurrent-stream limit; other requests
 *                                              keep it alive
 *  cmcd (with a store)  CmcdHandler            Common Media Client Data of a passed title request (headers or query)
 *                                              queued as a playback event; malformed data counted, never refused
 *    then one handler per route, each passing on the routes that are not its own; the most frequent first, so that a
 *    player's requests cross the fewest handlers:
 *  file                 FileHandler            segments, init segments, keys' files, subtitles, images under /titles:
 *                                              zero-copy, ranges, conditionals
 *  playlist             PlaylistHandler        *.m3u8, *.mpd: session manifest (HLS or DASH) or media playlist,
 *                                              token spliced in
 *  storyboard           StoryboardHandler      /titles/{id}/storyboard/storyboard.vtt: thumbnail index, token spliced in
 *  live (with live)     LiveHandler            /live/{id}/...: a live stream's playlists (blocking reloads answered
 *                                              when the part exists, no thread parked), parts and segments
 *  keys                 KeyHandler             /titles/{id}/keys/{key id}: an encrypted title's key, no-store,
 *                                              looked up on the API executor
 *  licenses             ClearKeyLicenseHandler POST /titles/{id}/keys/clearkey: a JSON Web Key Set of the title's keys
 *                                              a Clear Key licence request names, no-store, on the API executor
 *  pages                PageHandler            /play/{id}, /admin, /pages/*, /webjars/*: HTML, scripts, players
 *  edge-auth            EdgeAuthHandler        /edge/authorise: the token gate's decision for a CDN edge, 204 or 403
 *  api (with a store)   ApiHandler             /api/...: management API (admin key) and viewer API (playback token),
 *                                              every blocking call on the API executor, never on this loop
 *  admin                AdminHandler           /healthz, /metrics
 *  not-found            NotFoundHandler        a route this origin is not set up for: 404
 *  errors               UncaughtErrorHandler   whatever a handler threw: 500 if no response started, else close
 * </pre>
 */
final class OriginPipeline extends ChannelInitializer<SocketChannel> {

  static final String CONNECTION_LIMIT = "connection-limit";
  static final String TLS = "tls";
  static final String CLIENT_TIMEOUTS = "client-timeouts";
  static final String HTTP_CODEC = "http-codec";
  static final String REQUEST_CYCLE = "request-cycle";
  static final String KEEP_ALIVE = "keep-alive";
  static final String CHUNKED = "chunked";
  static final String CORS = "cors";
  static final String REQUEST_DECODER = "request-decoder";
  static final String PAGES = "pages";
  static final String RATE_LIMIT = "rate-limit";
  static final String TOKEN_GATE = "token-gate";
  static final String STREAM_LIMITS = "stream-limits";
  static final String CMCD = "cmcd";
  static final String EDGE_AUTH = "edge-auth";
  static final String LICENSE_BODY = "license-body";
  static final String KEYS = "keys";
  static final String LICENSES = "licenses";
  static final String LIVE = "live";
  static final String API = "api";
  static final String ADMIN = "admin";
  static final String PLAYLIST = "playlist";
  static final String STORYBOARD = "storyboard";
  static final String FILE = "file";
  static final String NOT_FOUND = "not-found";
  static final String ERRORS = "errors";

  /** What one connection's pipeline is built from; shared handlers are made once. */
  record Parts(OriginServer.Settings settings, ConnectionLimiter connectionLimiter, TokenGate tokenGate,
      StreamLimitHandler streamLimits, CmcdHandler cmcd, EdgeAuthHandler edgeAuth, KeyHandler keys,
      ClearKeyLicenseHandler licenses,
      AdminHandler admin,
      PlaylistHandler playlist, StoryboardHandler storyboard, FileHandler file, PageHandler pages, ApiHandlerFactory api,
      RateLimitHandler rateLimit, LiveHandler live) {}

  /** A new {@link ApiHandler} per connection, or none for an origin without a store. */
  @FunctionalInterface
  interface ApiHandlerFactory {
    ApiHandler newHandler();
  }

  private final Parts parts;
  private final RequestDecoder requestDecoder;
  private final NotFoundHandler notFound;
  private final UncaughtErrorHandler errors;

  OriginPipeline(Parts parts) {
    this.parts = parts;
    this.requestDecoder = new RequestDecoder(parts.settings().metrics(), parts.settings().trustedProxies());
    this.notFound = new NotFoundHandler(parts.settings().metrics());
    this.errors = new UncaughtErrorHandler(parts.settings().metrics());
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    addHandlers(ch);
  }

  /** Adds this origin's handlers to {@code ch}: a socket's, or a channel a benchmark drives in memory. */
  void addHandlers(Channel ch) {
    OriginServer.Settings settings = parts.settings();
    ChannelPipeline p = ch.pipeline();
    p.addLast(CONNECTION_LIMIT, parts.connectionLimiter());
    if (settings.sslContext() != null) {
      p.addLast(TLS, settings.sslContext().newHandler(ch.alloc()));
    }
    p.addLast(CLIENT_TIMEOUTS, new ClientTimeoutHandler(
        settings.idleTimeout(), settings.requestHeadTimeout(), settings.writeStallTimeout(), settings.metrics()));
    p.addLast(HTTP_CODEC, new CombinedChannelDuplexHandler<>(new PlainRequestDecoder(new HttpDecoderConfig()
        .setMaxInitialLineLength(settings.maxUriLength() + 32).setMaxHeaderSize(settings.maxHeaderBytes())
        .setMaxChunkSize(8192)), new ReusedHeadEncoder()));
    p.addLast(REQUEST_CYCLE, new RequestCycleHandler());
    p.addLast(KEEP_ALIVE, new HttpServerKeepAliveHandler());
    if (settings.sslContext() != null) {
      p.addLast(CHUNKED, new ChunkedWriteHandler());
    }
    p.addLast(CORS, new CrossOriginHandler());
    p.addLast(REQUEST_DECODER, requestDecoder);
    p.addLast(LICENSE_BODY, new LicenseRequestReader(settings.metrics()));
    p.addLast(RATE_LIMIT, parts.rateLimit());
    p.addLast(TOKEN_GATE, parts.tokenGate());
    if (parts.streamLimits() != null) {
      p.addLast(STREAM_LIMITS, parts.streamLimits());
    }
    if (parts.cmcd() != null) {
      p.addLast(CMCD, parts.cmcd());
    }
    p.addLast(FILE, parts.file());
    p.addLast(PLAYLIST, parts.playlist());
    p.addLast(STORYBOARD, parts.storyboard());
    if (parts.live() != null) {
      p.addLast(LIVE, parts.live());
    }
    p.addLast(KEYS, parts.keys());
    p.addLast(LICENSES, parts.licenses());
    p.addLast(PAGES, parts.pages());
    p.addLast(EDGE_AUTH, parts.edgeAuth());
    if (parts.api() != null) {
      p.addLast(API, parts.api().newHandler());
    }
    p.addLast(ADMIN, parts.admin());
    p.addLast(NOT_FOUND, notFound);
    p.addLast(ERRORS, errors);
  }
}
