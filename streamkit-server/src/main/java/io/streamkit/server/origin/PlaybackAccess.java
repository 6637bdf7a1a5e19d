package io.streamkit.server.origin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaders;
import io.streamkit.core.title.ViewerRegion;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.core.token.TokenRejectedException;
import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one decision whether a token opens a title path for a client, shared by the {@link TokenGate} (every title
 * request) and the {@link EdgeAuthHandler} (a CDN edge asking on a viewer's behalf), so that the edge refuses exactly
 * what the origin refuses:
 *
 * <ol>
 *   <li>the token authorises the path's title for this client ({@link PlaybackTokenVerifier#authorise});
 *   <li>backed by a catalog, moderation, the title's availability window and its regions let the token open the
 *       title ({@link TitleVisibility}) and the token was not revoked ({@link TokenRevocations});
 *   <li>for a viewer whose plan caps the picture height, the path is not in a directory that only taller variants
 *       use, so a guessed URI does not bypass the plan.
 * </ol>

 * A live stream's path ({@code /live/<id>/...}) needs the first step and an unrevoked token; its heights are capped by
 * the {@link LiveHandler}, which knows the stream's renditions.
 *
 * The reason for each refusal goes to the rejection counter; callers answer every refusal alike. When a title's
 * status is not cached yet the decision waits for the catalog without blocking the event loop: the verdict is then
 * given on the channel's loop when the catalog answers (pipelined requests behind it wait in
 * {@link RequestCycleHandler}).
 *
 * <p>A title's poster ({@code /titles/<id>/poster.jpg}) asked for without a token is storefront art: it is served
 * for exactly the titles the public catalog lists ({@link TitleVisibility#decidePublic}), so a browse page can show
 * the posters of titles it holds no token for; with a token, or for any other title, the rules above apply.
 *
 * <p>Without a verifier (an embedding application that does its own access control) there is nothing to decide;
 * callers check {@link #enforced()}.
 */
final class PlaybackAccess {

  /** What the caller does with the decision; called once per {@link #decide}, on the channel's event loop. */
  interface Verdict<R> {

    /** The request may go on with these claims. */
    void allowed(ChannelHandlerContext ctx, R request, PlaybackClaims claims);

    /** The request is refused; the reason has been counted. */
    void refused(ChannelHandlerContext ctx, R request);

    /**
     * The media storage could not supply the stored title's master playlist the variant check needs; answer with
     * {@link PlaybackAccess#answerStorageFailure}.
     */
    void storageFailed(ChannelHandlerContext ctx, R request, Throwable failure);

    /** The catalog could not say whether the title may be opened; the failure has been logged. */
    void catalogUnavailable(ChannelHandlerContext ctx, R request);
  }

  /** A title's poster, written by the transcoder beside its playlists. */
  static final String POSTER = "poster.jpg";
  private static final Logger LOG = LoggerFactory.getLogger(PlaybackAccess.class);

  private final PlaybackTokenVerifier verifier;
  private final MediaRoot root;
  private final StoredTitles stored;
  private final PlaylistCache playlists;
  private final OriginMetrics metrics;
  private final TitleVisibility visibility;
  private final TokenRevocations revocations;

  /**
   * @param verifier {@code null} for an origin without tokens
   * @param root the local titles, or {@code null} when they come from {@code stored}
   * @param stored titles in a media storage, or {@code null} when they are local
   * @param visibility {@code null} for an origin without a catalog
   * @param revocations {@code null} for an origin without a catalog
   */
  PlaybackAccess(PlaybackTokenVerifier verifier, MediaRoot root, StoredTitles stored, PlaylistCache playlists,
      OriginMetrics metrics, TitleVisibility visibility, TokenRevocations revocations) {
    this.verifier = verifier;
    this.root = root;
    this.stored = stored;
    this.playlists = playlists;
    this.metrics = metrics;
    this.visibility = visibility;
    this.revocations = revocations;
  }

  /** {@return whether title requests need a token at all} */
  boolean enforced() {
    return verifier != null;
  }

  /**
   * Decides whether {@code token} opens {@code titlePath} ({@code /titles/<id>/...}) for {@code client}, whose
   * request came with {@code headers} (read for the viewer's country where the deployment trusts a CDN's header), and
   * tells {@code verdict}; only while {@link #enforced()}.
   */
  <R> void decide(ChannelHandlerContext ctx, R request, String token, RequestPath titlePath, InetAddress client,
      HttpHeaders headers, Verdict<R> verdict) {
    String titleId = titlePath.segment(1);
    PlaybackClaims claims;
    try {
      claims = verifier.authorise(token, titleId, client);
    } catch (TokenRejectedException e) {
      metrics.rejected(OriginMetrics.TOKEN_PREFIX + e.reason().tag());
      verdict.refused(ctx, request);
      return;
    }
    if (titlePath.segment(0).equals(RequestDecoder.LIVE)) {
      // A live stream is not in the catalog: the live handler knows whether it is on air and caps its heights.
      if (revocations != null && !revocations.allows(claims)) {
        metrics.rejected(OriginMetrics.TOKEN_REVOKED);
        verdict.refused(ctx, request);
      } else {
        verdict.allowed(ctx, request, claims);
      }
      return;
    }
    if (visibility == null) {
      decideVariant(ctx, request, titlePath, claims, verdict);
      return;
    }
    CompletableFuture<TitleVisibility.Decision> visible = visibility.decide(claims,
        visibility.regionOf(claims, headers));
    if (visible.isDone() && !visible.isCompletedExceptionally()) {
      // The usual case, a cached status: decided here, with no continuation made per request.
      decideVisible(ctx, request, titlePath, claims, visible.join(), verdict);
    } else {
      whenKnown(ctx, request, claims.titleId(), visible, verdict,
          known -> decideVisible(ctx, request, titlePath, claims, known, verdict));
    }
  }

  private <R> void decideVisible(ChannelHandlerContext ctx, R request, RequestPath titlePath, PlaybackClaims claims,
      TitleVisibility.Decision visible, Verdict<R> verdict) {
    if (visible != TitleVisibility.Decision.ALLOWED) {
      metrics.rejected(visible.metric);
      verdict.refused(ctx, request);
    } else if (revocations != null && !revocations.allows(claims)) {
      metrics.rejected(OriginMetrics.TOKEN_REVOKED);
      verdict.refused(ctx, request);
    } else {
      decideVariant(ctx, request, titlePath, claims, verdict);
    }
  }

  /** {@return whether {@code path} is a title's poster, {@code titles/<id>/poster.jpg}} */
  static boolean isPoster(RequestPath path) {
    return path.size() == 3 && path.segment(0).equals(RequestDecoder.TITLES) && path.segment(2).equals(POSTER);
  }

  /**
   * Decides a poster request that carries no token: allowed (without claims) when the public catalog lists the title
   * to a caller with these {@code headers}, refused otherwise; only while {@link #enforced()}.
   */
  <R> void decidePoster(ChannelHandlerContext ctx, R request, RequestPath titlePath, HttpHeaders headers,
      Verdict<R> verdict) {
    String titleId = titlePath.segment(1);
    if (visibility == null) {
      metrics.rejected(OriginMetrics.TOKEN_PREFIX + TokenRejectedException.Reason.MISSING.tag());
      verdict.refused(ctx, request);
      return;
    }
    ViewerRegion region = visibility.regionOf(null, headers);
    whenKnown(ctx, request, titleId, visibility.decidePublic(titleId, region), verdict, known -> {
      if (known == TitleVisibility.Decision.ALLOWED) {
        verdict.allowed(ctx, request, null);
      } else {
        metrics.rejected(known.metric);
        verdict.refused(ctx, request);
      }
    });
  }

  /**
   * Runs {@code next} with the catalog's answer on the channel's loop when the catalog answers; a catalog that fails
   * makes the verdict {@link Verdict#catalogUnavailable}.
   */
  private <R> void whenKnown(ChannelHandlerContext ctx, R request, String titleId,
      CompletableFuture<TitleVisibility.Decision> answer, Verdict<R> verdict,
      Consumer<TitleVisibility.Decision> next) {
    answer.whenCompleteAsync((value, failure) -> {
      try {
        if (failure != null) {
          LOG.warn("catalog lookup for title {} failed: {}", titleId, LogText.escape(String.valueOf(
              failure.getMessage())));
          verdict.catalogUnavailable(ctx, request);
        } else {
          next.accept(value);
        }
      } catch (RuntimeException e) {
        ctx.fireExceptionCaught(e);
      }
    }, ctx.executor());
  }

  private <R> void decideVariant(ChannelHandlerContext ctx, R request, RequestPath titlePath, PlaybackClaims claims,
      Verdict<R> verdict) {
    if (claims.maxHeight().isEmpty() || titlePath.size() <= 3) {
      verdict.allowed(ctx, request, claims);
    } else if (stored == null) {
      decideVariant(ctx, request, titlePath, claims, playlists.get(root.masterPlaylist(titlePath.segment(1))),
          verdict);
    } else {
      // A stored title's master playlist may have to be fetched first (off this loop).
      CompletableFuture<StoredObjectCache.CachedObject> master = stored.masterPlaylist(titlePath.segment(1));
      if (master.isDone()) {
        decideStoredVariant(ctx, request, titlePath, claims, master, verdict);
      } else {
        master.whenCompleteAsync((object, failure) -> decideStoredVariant(ctx, request, titlePath, claims, master,
            verdict), ctx.executor());
      }
    }
  }

  private <R> void decideStoredVariant(ChannelHandlerContext ctx, R request, RequestPath titlePath,
      PlaybackClaims claims, CompletableFuture<StoredObjectCache.CachedObject> master, Verdict<R> verdict) {
    try {
      StoredObjectCache.CachedObject object;
      try {
        object = master.join();
      } catch (CompletionException | CancellationException e) {
        verdict.storageFailed(ctx, request, e);
        return;
      }
      decideVariant(ctx, request, titlePath, claims,
          object == null ? null : playlists.get(object.file(), object.attributes()), verdict);
    } catch (RuntimeException e) {
      ctx.fireExceptionCaught(e);
    }
  }

  private <R> void decideVariant(ChannelHandlerContext ctx, R request, RequestPath titlePath, PlaybackClaims claims,
      PlaylistCache.Parsed master, Verdict<R> verdict) {
    if (inDeniedVariant(titlePath, claims, master)) {
      metrics.rejected(OriginMetrics.VARIANT_NOT_ALLOWED);
      verdict.refused(ctx, request);
      return;
    }
    verdict.allowed(ctx, request, claims);
  }

  /** Answers a request whose stored title could not be read: 503 with one (rate-limited) log line. */
  void answerStorageFailure(ChannelHandlerContext ctx, OriginRequest request, Throwable failure) {
    stored.answerFailure(ctx, metrics, request, failure);
  }

  private static boolean inDeniedVariant(RequestPath titlePath, PlaybackClaims claims, PlaylistCache.Parsed master) {
    if (master == null || master.master() == null) {
      return false;
    }
    Set<String> denied = master.master().deniedDirectories(claims.maxHeight().getAsInt());
    if (denied.isEmpty()) {
      return false;
    }
    return denied.contains(MasterPlaylist.directoryOf(titlePath.join(2)));
  }
}
