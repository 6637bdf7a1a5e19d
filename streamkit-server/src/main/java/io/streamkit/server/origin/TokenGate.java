package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.core.token.TokenRejectedException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a title request through only with a token that authorises that title for this client (see
 * {@link PlaybackTokenVerifier#authorise}); and, for viewers whose plan caps the picture height, refuses media
 * playlists and segments of taller variants even when their URI is guessed. Every refusal is the same generic 403
 * so that probing teaches nothing; the reason goes to the rejection counter.
 *
 * <p>Backed by a catalog, the gate also applies moderation: see {@link TitleVisibility}. When a title's status is not
 * cached yet the request waits for it without blocking the event loop (it continues on the loop when the catalog
 * answers; pipelined requests behind it wait in {@link RequestCycleHandler}); a catalog that cannot answer gets the
 * client a 503 with {@code Retry-After}.
 *
 * <p>For a title in a media storage ({@link StoredTitles}) the master playlist the variant check needs may have to be
 * fetched first; the request then waits for it the same way, off the event loop.
 *
 * <p>Without a verifier (an embedding application that does its own access control) every request passes.
 */
@Sharable
final class TokenGate extends SimpleChannelInboundHandler<OriginRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(TokenGate.class);

  private final PlaybackTokenVerifier verifier;
  private final MediaRoot root;
  private final PlaylistCache playlists;
  private final OriginMetrics metrics;
  private final TitleVisibility visibility;
  private final StoredTitles stored;

  TokenGate(PlaybackTokenVerifier verifier, MediaRoot root, PlaylistCache playlists, OriginMetrics metrics) {
    this(verifier, root, playlists, metrics, null, null);
  }

  /** With a catalog when {@code visibility} is not null; titles from {@code stored} when it is not null. */
  TokenGate(PlaybackTokenVerifier verifier, MediaRoot root, PlaylistCache playlists, OriginMetrics metrics,
      TitleVisibility visibility, StoredTitles stored) {
    super(false);
    this.visibility = visibility;
    this.stored = stored;
    this.verifier = verifier;
    this.root = root;
    this.playlists = playlists;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (verifier == null || (request.route != Route.PLAYLIST && request.route != Route.MEDIA)) {
      ctx.fireChannelRead(request);
      return;
    }
    String titleId = request.path.segment(1);
    PlaybackClaims claims;
    try {
      claims = verifier.authorise(request.token, titleId, request.client);
    } catch (TokenRejectedException e) {
      metrics.rejected(OriginMetrics.TOKEN_PREFIX + e.reason().tag());
      forbid(ctx, request);
      return;
    }
    if (visibility == null) {
      pass(ctx, request, claims);
      return;
    }
    CompletableFuture<Boolean> allowed = visibility.allows(claims);
    if (allowed.isDone() && !allowed.isCompletedExceptionally()) {
      passIfVisible(ctx, request, claims, allowed.join());
    } else {
      allowed.whenCompleteAsync((visible, failure) -> {
        try {
          if (failure != null) {
            LOG.warn("catalog lookup for title {} failed: {}", titleId, LogText.escape(String.valueOf(
                failure.getMessage())));
            Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE,
                "catalog_unavailable", "the catalog did not answer; retry in a few seconds");
          } else {
            passIfVisible(ctx, request, claims, visible);
          }
        } catch (RuntimeException e) {
          ctx.fireExceptionCaught(e);
        }
      }, ctx.executor());
    }
  }

  private void passIfVisible(ChannelHandlerContext ctx, OriginRequest request, PlaybackClaims claims,
      boolean visible) {
    if (!visible) {
      metrics.rejected(OriginMetrics.TITLE_NOT_PUBLISHED);
      forbid(ctx, request);
      return;
    }
    pass(ctx, request, claims);
  }

  private void pass(ChannelHandlerContext ctx, OriginRequest request, PlaybackClaims claims) {
    if (claims.maxHeight().isPresent() && request.path.size() > 3) {
      if (stored != null) {
        passIfAllowedStored(ctx, request, claims);
        return;
      }
      if (inDeniedVariant(request, claims, playlists.get(root.masterPlaylist(request.path.segment(1))))) {
        metrics.rejected(OriginMetrics.VARIANT_NOT_ALLOWED);
        forbid(ctx, request);
        return;
      }
    }
    request.claims = claims;
    ctx.fireChannelRead(request);
  }

  /** The variant check for a stored title, whose master playlist may have to be fetched first (off this loop). */
  private void passIfAllowedStored(ChannelHandlerContext ctx, OriginRequest request, PlaybackClaims claims) {
    CompletableFuture<StoredObjectCache.CachedObject> master = stored.masterPlaylist(request.path.segment(1));
    if (master.isDone()) {
      checkStoredVariant(ctx, request, claims, master);
    } else {
      master.whenCompleteAsync((object, failure) -> checkStoredVariant(ctx, request, claims, master), ctx.executor());
    }
  }

  private void checkStoredVariant(ChannelHandlerContext ctx, OriginRequest request, PlaybackClaims claims,
      CompletableFuture<StoredObjectCache.CachedObject> master) {
    try {
      StoredObjectCache.CachedObject object;
      try {
        object = master.join();
      } catch (CompletionException | CancellationException e) {
        stored.answerFailure(ctx, metrics, request, e);
        return;
      }
      PlaylistCache.Parsed parsed = object == null ? null : playlists.get(object.file(), object.attributes());
      if (inDeniedVariant(request, claims, parsed)) {
        metrics.rejected(OriginMetrics.VARIANT_NOT_ALLOWED);
        forbid(ctx, request);
        return;
      }
      request.claims = claims;
      ctx.fireChannelRead(request);
    } catch (RuntimeException e) {
      ctx.fireExceptionCaught(e);
    }
  }

  private static boolean inDeniedVariant(OriginRequest request, PlaybackClaims claims, PlaylistCache.Parsed master) {
    if (master == null || master.master() == null) {
      return false;
    }
    Set<String> denied = master.master().deniedDirectories(claims.maxHeight().getAsInt());
    if (denied.isEmpty()) {
      return false;
    }
    String relative = request.path.join(2);
    return denied.contains(MasterPlaylist.directoryOf(relative));
  }

  private void forbid(ChannelHandlerContext ctx, OriginRequest request) {
    Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.FORBIDDEN,
        "forbidden", "this request is not authorised");
  }
}
