package io.streamkit.server.origin;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.cors.CorsHandler;
import io.netty.handler.ssl.SslContext;
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
 *  http-codec           HttpServerCodec        limits: request line (URI) and header block sizes
 *  request-cycle        RequestCycleHandler    request head decoded → busy; last response byte written → idle
 *  keep-alive           HttpServerKeepAliveHandler
 *  chunked (TLS only)   ChunkedWriteHandler    files go as chunks when sendfile cannot be used
 *  cors                 CorsHandler            preflight OPTIONS answered here; CORS headers on every response
 *  pages                PageHandler            /play/{id}, /admin, /pages/*, /webjars/*: HTML, scripts, hls.js
 *  api (with a store)   ManagementApi          /api/titles, /api/uploads: admin key, bodies streamed to disk
 *  request-decoder      RequestDecoder         method, path sanitising, route, token parameter → OriginRequest
 *  token-gate           TokenGate              title requests need a token that authorises this title and client
 *  viewer-api           ViewerApiHandler       /api/progress, /api/continue-watching, /api/events (playback token);
 *                                              /api/analytics, /api/titles/{id}/analytics (admin key)
 *  admin                AdminHandler           /healthz, /metrics
 *  playlist             PlaylistHandler        *.m3u8: session manifest or media playlist, token spliced in
 *  file                 FileHandler            everything else under /titles: zero-copy, ranges, conditionals
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
  static final String PAGES = "pages";
  static final String API = "api";
  static final String REQUEST_DECODER = "request-decoder";
  static final String TOKEN_GATE = "token-gate";
  static final String VIEWER_API = "viewer-api";
  static final String ADMIN = "admin";
  static final String PLAYLIST = "playlist";
  static final String FILE = "file";

  /** Headers a player on another origin sends (Range for byte-range segments) and needs to read. */
  static final CorsConfig CORS_CONFIG = CorsConfigBuilder.forAnyOrigin()
      .allowedRequestMethods(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS)
      .allowedRequestHeaders("Range", "If-None-Match", "If-Modified-Since", "If-Range", "Authorization")
      .exposeHeaders("Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified", "Date")
      .maxAge(86_400)
      .build();

  private final OriginServer.Settings settings;
  private final ConnectionLimiter connectionLimiter;
  private final RequestDecoder requestDecoder;
  private final TokenGate tokenGate;
  private final AdminHandler admin;
  private final PlaylistHandler playlist;
  private final FileHandler file;
  private final SslContext sslContext;
  private final PageHandler pages = new PageHandler();
  private final ManagementApi managementApi;
  private final ViewerApi viewerApi;

  OriginPipeline(OriginServer.Settings settings, ConnectionLimiter connectionLimiter, TokenGate tokenGate,
      AdminHandler admin, PlaylistHandler playlist, FileHandler file) {
    this(settings, connectionLimiter, tokenGate, admin, playlist, file, null, null);
  }

  OriginPipeline(OriginServer.Settings settings, ConnectionLimiter connectionLimiter, TokenGate tokenGate,
      AdminHandler admin, PlaylistHandler playlist, FileHandler file, ManagementApi managementApi,
      ViewerApi viewerApi) {
    this.managementApi = managementApi;
    this.settings = settings;
    this.connectionLimiter = connectionLimiter;
    this.requestDecoder = new RequestDecoder(settings.metrics());
    this.tokenGate = tokenGate;
    this.admin = admin;
    this.playlist = playlist;
    this.file = file;
    this.sslContext = settings.sslContext();
    this.viewerApi = viewerApi;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast(CONNECTION_LIMIT, connectionLimiter);
    if (sslContext != null) {
      p.addLast(TLS, sslContext.newHandler(ch.alloc()));
    }
    p.addLast(CLIENT_TIMEOUTS, new ClientTimeoutHandler(
        settings.idleTimeout(), settings.requestHeadTimeout(), settings.writeStallTimeout(), settings.metrics()));
    p.addLast(HTTP_CODEC, new HttpServerCodec(settings.maxUriLength() + 32, settings.maxHeaderBytes(), 8192));
    p.addLast(REQUEST_CYCLE, RequestCycleHandler.INSTANCE);
    p.addLast(KEEP_ALIVE, new HttpServerKeepAliveHandler());
    if (sslContext != null) {
      p.addLast(CHUNKED, new ChunkedWriteHandler());
    }
    p.addLast(CORS, new CorsHandler(CORS_CONFIG));
    p.addLast(PAGES, pages);
    if (managementApi != null) {
      p.addLast(API, managementApi.newHandler());
    }
    p.addLast(REQUEST_DECODER, requestDecoder);
    p.addLast(TOKEN_GATE, tokenGate);
    if (viewerApi != null) {
      p.addLast(VIEWER_API, viewerApi.newHandler().metrics(settings.metrics()));
    }
    p.addLast(ADMIN, admin);
    p.addLast(PLAYLIST, playlist);
    p.addLast(FILE, file);
  }
}
