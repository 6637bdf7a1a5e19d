package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.token.PlaybackClaims;

/**
 * Lets a title request through only when {@link PlaybackAccess} allows it: a token that authorises that title for this
 * client, a title moderation lets the token open, and, for viewers whose plan caps the picture height, not a media
 * playlist or segment of a taller variant (even when its URI is guessed). Every refusal is the same generic 403 so that
 * probing teaches nothing (a title outside the viewer's region included); the reason goes to the rejection counter.
 * A catalog that cannot answer gets the client a 503 with {@code Retry-After}; so does a media storage that cannot
 * supply a stored title's master playlist, which the variant check needs ({@link StoredTitles}; fetched off the event
 * loop).
 *
 * <p>Each refusal takes one from the client's failed-token bucket ({@link RateLimits}); while it is empty, the
 * {@link RateLimitHandler} before this gate answers the client's title requests 429 without a token check.
 *
 * <p>A poster asked for without a token is decided as storefront art ({@link PlaybackAccess#decidePoster}).
 *
 * <p>Without a verifier (an embedding application that does its own access control) every request passes.
 */
@Sharable
final class TokenGate extends SimpleChannelInboundHandler<OriginRequest>
    implements PlaybackAccess.Verdict<OriginRequest> {

  private final PlaybackAccess access;
  private final OriginMetrics metrics;
  private final ClientRateLimiter rateLimiter;

  TokenGate(PlaybackAccess access, OriginMetrics metrics, ClientRateLimiter rateLimiter) {
    super(false);
    this.access = access;
    this.metrics = metrics;
    this.rateLimiter = rateLimiter;
  }

  /**
   * {@return whether requests on {@code route} need a token: title playlists, DASH manifests, media, storyboards,
   * keys and licences, and live streams}
   */
  static boolean gates(Route route) {
    return route == Route.PLAYLIST || route == Route.MANIFEST || route == Route.MEDIA || route == Route.STORYBOARD
        || route == Route.KEY || route == Route.LICENSE || route == Route.LIVE;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (!access.enforced() || !gates(request.route)) {
      ctx.fireChannelRead(request);
      return;
    }
    if ((request.token == null || request.token.isEmpty()) && PlaybackAccess.isPoster(request.path)) {
      access.decidePoster(ctx, request, request.path, request.headers, this);
      return;
    }
    access.decide(ctx, request, request.token, request.path, request.client, request.headers, this);
  }

  @Override
  public void allowed(ChannelHandlerContext ctx, OriginRequest request, PlaybackClaims claims) {
    request.claims = claims;
    ctx.fireChannelRead(request);
  }

  @Override
  public void refused(ChannelHandlerContext ctx, OriginRequest request) {
    rateLimiter.take(RateLimitClass.FAILED_TOKENS, request.client);
    Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.FORBIDDEN,
        "forbidden", "this request is not authorised");
  }

  @Override
  public void storageFailed(ChannelHandlerContext ctx, OriginRequest request, Throwable failure) {
    access.answerStorageFailure(ctx, request, failure);
  }

  @Override
  public void catalogUnavailable(ChannelHandlerContext ctx, OriginRequest request) {
    Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE,
        "catalog_unavailable", "the catalog did not answer; retry in a few seconds");
  }
}
