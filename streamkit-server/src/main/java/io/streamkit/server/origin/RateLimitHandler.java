package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.token.PlaybackTokenVerifier;

/**
 * Answers {@code 429 Too Many Requests} (RFC 6585 §4) with {@code Retry-After} (RFC 9110 §10.2.3, whole seconds until
 * the bucket holds a request again) to a client over one of its {@link RateLimits}: a title request while its
 * failed-token bucket is empty (checked here, before the {@link TokenGate} would verify the token; filled by the gate's
 * refusals), unless its token is one the verifier has already verified ({@link PlaybackTokenVerifier#wasVerified}),
 * and a request of a limited kind ({@link RateLimitClass#of}) beyond that kind's bucket. Every refusal is
 * counted as {@code rate_limited_<limit>}. The client is {@link OriginRequest#client}: the viewer behind a trusted
 * proxy, else the peer.
 *
 * <p>The lockout is there to stop token guessing and the signature checks it costs. A token verified before is no
 * guess and costs a cache look-up, so it still goes on to the gate: viewers already playing behind an address (a
 * household or carrier-grade NAT) keep playing while a guesser behind the same address is locked out.
 *
 * <p>A refused API request's body is discarded as it arrives, so the connection stays usable; one that waits for
 * {@code 100 Continue} never gets it, so that connection closes after the answer, as in {@link ApiHandler}.
 */
@Sharable
final class RateLimitHandler extends SimpleChannelInboundHandler<OriginRequest> {

  static final String CODE = "rate_limited";

  private final ClientRateLimiter limiter;
  /** {@code null} for an origin without tokens. */
  private final PlaybackTokenVerifier verifier;
  private final OriginMetrics metrics;

  RateLimitHandler(ClientRateLimiter limiter, PlaybackTokenVerifier verifier, OriginMetrics metrics) {
    super(false);
    this.limiter = limiter;
    this.verifier = verifier;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (TokenGate.gates(request.route)) {
      long wait = limiter.emptyFor(RateLimitClass.FAILED_TOKENS, request.client);
      if (wait > 0 && (verifier == null || !verifier.wasVerified(request.token))) {
        refuse(ctx, request, RateLimitClass.FAILED_TOKENS, wait, "too many requests from this address failed the"
            + " token check; get a valid token and retry after " + wait + " s");
        return;
      }
    }
    RateLimitClass limitClass = RateLimitClass.of(request);
    if (limitClass != null) {
      boolean perToken = limitClass == RateLimitClass.KEYS;
      long wait = perToken ? limiter.takeForToken(limitClass, request.token)
          : limiter.take(limitClass, request.client);
      if (wait > 0) {
        refuse(ctx, request, limitClass, wait, "too many " + limitClass.description
            + (perToken ? " with this token" : " from this address") + "; retry after " + wait + " s");
        return;
      }
    }
    ctx.fireChannelRead(request);
  }

  private void refuse(ChannelHandlerContext ctx, OriginRequest request, RateLimitClass limitClass, long retryAfter,
      String message) {
    metrics.rejected(limitClass.rejectionReason());
    boolean keepAlive = request.keepAlive;
    if (request.hasBody) {
      ConnectionState.of(ctx.channel()).forwardingBody = false;
      keepAlive &= !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(
          request.headers.get(HttpHeaderNames.EXPECT, ""));
    }
    FullHttpResponse response = Responses.error(HttpResponseStatus.TOO_MANY_REQUESTS, CODE, message);
    response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
    Responses.send(ctx, metrics, request.route, response, keepAlive, request.isHead());
  }
}
