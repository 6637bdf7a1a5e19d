package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.access.PlaybackSessions;
import io.streamkit.core.token.PlaybackClaims;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Concurrent-stream limits per viewer: a title's master playlist (or DASH manifest), or a live stream's master
 * playlist, opens a playback session (the token's {@code sid}) only while the viewer has fewer than their limit of other
 * sessions in progress ({@link PlaybackSessions}, in the database, so the limit holds across origin nodes), titles and
 * live streams counted together; beyond it the player gets 403 {@code too_many_streams} with a message to show. The
 * limit is the token's {@code max_streams} claim, else the origin's default; moderators' preview tokens are not
 * limited.
 *
 * <p>Every other title or live request of a limited session (a live player reloads its playlists every part) marks it
 * as still playing, and so does each of the player's
 * progress heartbeats ({@link #stillPlaying}), which reach the origin behind a CDN edge too; marks are written in one
 * statement every {@link #TOUCH_INTERVAL}, so segments cost no database call. A session without requests for the idle time ends
 * by itself; a player that stops says so ({@code POST /api/sessions/stop}) and frees its slot at once.
 */
@Sharable
final class StreamLimitHandler extends SimpleChannelInboundHandler<OriginRequest> implements AutoCloseable {

  static final Duration TOUCH_INTERVAL = Duration.ofSeconds(5);
  static final String MASTER_PLAYLIST = "master.m3u8";
  private static final Logger LOG = LoggerFactory.getLogger(StreamLimitHandler.class);

  private final PlaybackSessions sessions;
  private final int defaultMaxStreams;
  private final Duration idle;
  private final Executor executor;
  private final OriginMetrics metrics;
  private final Set<String> touched = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService writer;

  /**
   * @param defaultMaxStreams the limit for tokens without {@code max_streams}; 0 for none
   * @param idle how long a session lives without requests; more than {@link #TOUCH_INTERVAL}
   */
  StreamLimitHandler(PlaybackSessions sessions, int defaultMaxStreams, Duration idle, Executor executor,
      OriginMetrics metrics) {
    super(false);
    this.sessions = sessions;
    this.defaultMaxStreams = defaultMaxStreams;
    this.idle = idle;
    this.executor = executor;
    this.metrics = metrics;
    this.writer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "streamkit-sessions");
      thread.setDaemon(true);
      return thread;
    });
    writer.scheduleWithFixedDelay(this::writeTouches, TOUCH_INTERVAL.toMillis(), TOUCH_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The stream limit that applies to a token; 0 for none. */
  private int limit(PlaybackClaims claims) {
    return claims == null || claims.preview() ? 0 : claims.maxStreams().orElse(defaultMaxStreams);
  }

  /**
   * Marks a limited session as still playing on behalf of a request that does not pass through this handler: the
   * player's progress heartbeats, which reach the origin even when a CDN edge serves every segment from its cache.
   */
  void stillPlaying(PlaybackClaims claims) {
    if (limit(claims) > 0) {
      touched.add(claims.sessionId());
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    PlaybackClaims claims = request.claims;
    int limit = limit(claims);
    if (limit == 0 || (request.route != Route.PLAYLIST && request.route != Route.MANIFEST
        && request.route != Route.MEDIA && request.route != Route.KEY && request.route != Route.LICENSE
        && request.route != Route.LIVE)) {
      ctx.fireChannelRead(request);
      return;
    }
    if (!opensSession(request)) {
      touched.add(claims.sessionId());
      ctx.fireChannelRead(request);
      return;
    }
    try {
      executor.execute(() -> {
        PlaybackSessions.Admission admission;
        try {
          admission = sessions.admit(claims.sessionId(), claims.viewer(), claims.titleId(), limit, idle);
        } catch (RuntimeException e) {
          LOG.warn("cannot admit a playback session of title {}: {}", claims.titleId(),
              LogText.escape(String.valueOf(e.getMessage())));
          ctx.executor().execute(() -> Responses.error(ctx, metrics, request.route, request.keepAlive,
              HttpResponseStatus.SERVICE_UNAVAILABLE, "catalog_unavailable",
              "the catalog did not answer; retry in a few seconds"));
          return;
        }
        ctx.executor().execute(() -> {
          if (admission == PlaybackSessions.Admission.REFUSED) {
            metrics.rejected(OriginMetrics.TOO_MANY_STREAMS);
            Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.FORBIDDEN,
                "too_many_streams", "you are watching on too many devices (" + limit + " at once); stop playback"
                    + " on another device and try again");
          } else {
            ctx.fireChannelRead(request);
          }
        });
      });
    } catch (RejectedExecutionException e) {
      Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE,
          "overloaded", "the origin is shutting down or overloaded; retry in a few seconds");
    }
  }

  /** A title's master playlist or DASH manifest, a live stream's master playlist: what a player loads first. */
  private static boolean opensSession(OriginRequest request) {
    return request.path.size() == 3 && ((request.route == Route.PLAYLIST || request.route == Route.LIVE)
        && request.path.last().equals(MASTER_PLAYLIST)
        || request.route == Route.MANIFEST && request.path.last().equals(PlaylistHandler.DASH_MANIFEST));
  }

  private void writeTouches() {
    if (touched.isEmpty()) {
      return;
    }
    List<String> batch = new ArrayList<>(touched);
    touched.removeAll(batch);
    try {
      sessions.touch(batch);
    } catch (RuntimeException e) {
      touched.addAll(batch);
      LOG.warn("cannot record {} playback sessions as playing: {}", batch.size(),
          LogText.escape(String.valueOf(e.getMessage())));
    }
  }

  /** Writes the last marks and stops the writer thread. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeTouches();
  }
}
