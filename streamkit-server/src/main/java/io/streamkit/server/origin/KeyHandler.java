package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.ContentKeyStore;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code /titles/<id>/keys/<key id>}, the key URI of an encrypted title's playlists (RFC 8216 §4.3.2.4), with
 * the 16 key bytes from the {@link ContentKeyStore}. The {@link TokenGate} has already checked the request with the
 * same rules as the title's segments (title, expiry, address, moderation); the key is fetched off the event loop,
 * since the store may be a database, and answered {@code Cache-Control: no-store} so that no shared cache (a CDN
 * edge) keeps it. A key the title does not have, or an origin without a key store, is 404.
 */
@Sharable
final class KeyHandler extends SimpleChannelInboundHandler<OriginRequest> {

  static final CharSequence KEY_TYPE = "application/octet-stream";
  private static final Logger LOG = LoggerFactory.getLogger(KeyHandler.class);

  private final ContentKeyStore keys;
  private final Executor executor;
  private final OriginMetrics metrics;

  /**
   * @param keys {@code null} for an origin that serves no encrypted titles
   * @param executor where look-ups run; {@code null} only without {@code keys}
   */
  KeyHandler(ContentKeyStore keys, Executor executor, OriginMetrics metrics) {
    super(false);
    this.keys = keys;
    this.executor = executor;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route != Route.KEY) {
      ctx.fireChannelRead(request);
      return;
    }
    String title = request.path.segment(1);
    String keyId = request.path.segment(3);
    if (keys == null || !ContentKey.isId(keyId)) {
      notFound(ctx, request);
      return;
    }
    try {
      executor.execute(() -> {
        Optional<ContentKey> key;
        try {
          key = keys.find(title, keyId);
        } catch (RuntimeException e) {
          LOG.warn("cannot read content key {} of title {} from {}: {}", keyId, title, keys.describe(),
              e.getMessage());
          ctx.executor().execute(() -> Responses.error(ctx, metrics, Route.KEY, request.keepAlive,
              HttpResponseStatus.SERVICE_UNAVAILABLE, "key_unavailable",
              "the key store did not answer; retry in a few seconds"));
          return;
        }
        ctx.executor().execute(() -> answer(ctx, request, key));
      });
    } catch (RejectedExecutionException e) {
      Responses.error(ctx, metrics, Route.KEY, request.keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE,
          "overloaded", "the origin is shutting down or overloaded; retry in a few seconds");
    }
  }

  private void answer(ChannelHandlerContext ctx, OriginRequest request, Optional<ContentKey> key) {
    if (key.isEmpty()) {
      notFound(ctx, request);
      return;
    }
    FullHttpResponse response = Responses.full(HttpResponseStatus.OK, key.get().key(), KEY_TYPE, Responses.NO_STORE);
    Responses.send(ctx, metrics, Route.KEY, response, request.keepAlive, request.isHead());
  }

  private void notFound(ChannelHandlerContext ctx, OriginRequest request) {
    Responses.error(ctx, metrics, Route.KEY, request.keepAlive, HttpResponseStatus.NOT_FOUND, "not_found",
        "this title has no such key");
  }
}
