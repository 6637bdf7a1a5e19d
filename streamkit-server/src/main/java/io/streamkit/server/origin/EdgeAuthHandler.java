package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.streamkit.core.token.PlaybackClaims;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code GET /edge/authorise}: a CDN edge asks whether the viewer may have the title URI named in
 * {@code X-Original-URI} (path and query, the token among it), before it serves that URI from its cache, which is
 * shared by every viewer and keyed without the token. The answer is the {@link TokenGate}'s own decision
 * ({@link PlaybackAccess}, with the client address from {@link TrustedProxies}): {@code 204} to allow, {@code 403} to
 * refuse, both without a body so that probing teaches nothing (the reason goes to the rejection counter);
 * {@code 503} when the catalog cannot answer. nginx's {@code auth_request} takes any 2xx as allowed and 401/403 as
 * refused.
 *
 * <p>The edge caches each answer per token, title directory and client address, for as long as
 * {@code Cache-Control: max-age} says: an allowance for at most {@link #MAX_AGE} and never beyond the token's
 * {@code exp} (a token that ends within the second is {@code no-store}), a refusal for {@link #REFUSAL_MAX_AGE}.
 * The cap bounds how long an edge keeps letting a token through after the origin would stop (a title unpublished,
 * a key dropped); the refusal's short life spares the origin a player retrying a bad token in a tight loop without
 * making a token that just became valid ({@code nbf}) wait long. A viewer's country header, where the deployment
 * trusts one, counts only when the edge passes it and keys its cache by it too ({@code docs/cdn-edge.md}); the
 * reference edge sends none of the viewer's headers, so there a title's regions are checked against the token's
 * {@code country} claim.
 *
 * <p>Only media (segments, init segments, keys, subtitles, images: {@link Route#MEDIA}) may be served from a cache
 * shared by every viewer; playlists are personalised (each carries its viewer's token and plan), so an allowance for
 * one would let an edge hand one viewer's playlist to the next. An {@code X-Original-URI} that is missing, names a
 * playlist, or is not a title URI the origin would accept (its path and query passing the checks of
 * {@link RequestDecoder}) is refused and counted as {@code bad_original_uri}.
 */
@Sharable
final class EdgeAuthHandler extends SimpleChannelInboundHandler<OriginRequest>
    implements PlaybackAccess.Verdict<OriginRequest> {

  static final String ORIGINAL_URI = "X-Original-URI";
  /** The longest an edge may reuse an allowance; also the most an unpublish or key removal takes to reach it. */
  static final Duration MAX_AGE = Duration.ofSeconds(60);
  /** How long an edge may reuse a refusal. */
  static final Duration REFUSAL_MAX_AGE = Duration.ofSeconds(1);

  private static final String REFUSAL_CACHE_CONTROL = "max-age=" + REFUSAL_MAX_AGE.toSeconds();

  private final PlaybackAccess access;
  private final OriginMetrics metrics;
  private final Clock clock;

  EdgeAuthHandler(PlaybackAccess access, OriginMetrics metrics, Clock clock) {
    super(false);
    this.access = access;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route != Route.EDGE_AUTH) {
      ctx.fireChannelRead(request);
      return;
    }
    String original = request.headers.get(ORIGINAL_URI);
    int queryStart = original == null ? -1 : original.indexOf('?');
    RequestPath path = original == null ? null
        : RequestPath.parse(original, queryStart < 0 ? original.length() : queryStart, null);
    QueryString query = null;
    if (path != null) {
      try {
        query = queryStart < 0 ? QueryString.EMPTY : QueryString.parse(original, queryStart + 1);
      } catch (IllegalArgumentException e) {
        query = null;
      }
    }
    Route route = path == null ? Route.OTHER : RequestDecoder.route(path);
    if (query == null || route != Route.MEDIA) {
      metrics.rejected(OriginMetrics.BAD_ORIGINAL_URI);
      refused(ctx, request);
      return;
    }
    if (!access.enforced()) {
      answer(ctx, request, HttpResponseStatus.NO_CONTENT, "max-age=" + MAX_AGE.toSeconds());
      return;
    }
    access.decide(ctx, request, query.get(RequestDecoder.TOKEN_PARAMETER), path, request.client, request.headers,
        this);
  }

  @Override
  public void allowed(ChannelHandlerContext ctx, OriginRequest request, PlaybackClaims claims) {
    long remaining = Duration.between(clock.instant(), claims.expiresAt()).toSeconds();
    long maxAge = Math.min(MAX_AGE.toSeconds(), remaining);
    answer(ctx, request, HttpResponseStatus.NO_CONTENT, maxAge > 0 ? "max-age=" + maxAge : Responses.NO_STORE);
  }

  @Override
  public void refused(ChannelHandlerContext ctx, OriginRequest request) {
    answer(ctx, request, HttpResponseStatus.FORBIDDEN, REFUSAL_CACHE_CONTROL);
  }

  @Override
  public void storageFailed(ChannelHandlerContext ctx, OriginRequest request, Throwable failure) {
    access.answerStorageFailure(ctx, request, failure);
  }

  @Override
  public void catalogUnavailable(ChannelHandlerContext ctx, OriginRequest request) {
    Responses.error(ctx, metrics, Route.EDGE_AUTH, request.keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE,
        "catalog_unavailable", "the catalog did not answer; retry in a few seconds");
  }

  private void answer(ChannelHandlerContext ctx, OriginRequest request, HttpResponseStatus status,
      String cacheControl) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
    if (status.code() != HttpResponseStatus.NO_CONTENT.code()) {
      // RFC 9110 §8.6: a 204 carries no Content-Length; a 403 says its body is empty.
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    }
    Responses.send(ctx, metrics, Route.EDGE_AUTH, response, request.keepAlive, request.isHead());
  }
}
