package io.streamkit.server.origin;

import io.streamkit.core.title.Catalog;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.token.PlaybackClaims;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which titles a token may open given the catalog's moderation state: viewers only {@link TitleStatus#PUBLISHED}
 * titles, moderators' preview tokens also {@link TitleStatus#READY} ones. Titles the catalog does not know (packaged
 * outside the platform API and copied into the data directory) are governed by the token alone, as before there was
 * a catalog.
 *
 * <p>Statuses are cached for {@link #TTL_NANOS} so segment requests do not each cost a database round trip on the
 * event loop; a publish or unpublish takes effect within that time.
 */
public final class TitleVisibility {

  static final long TTL_NANOS = 1_000_000_000L;

  private record Cached(Optional<TitleStatus> status, long expiresAt) {}

  private final Catalog catalog;
  private final ConcurrentHashMap<String, Cached> statuses = new ConcurrentHashMap<>();

  public TitleVisibility(Catalog catalog) {
    this.catalog = catalog;
  }

  public boolean allows(PlaybackClaims claims) {
    Optional<TitleStatus> status = status(claims.titleId());
    if (status.isEmpty()) {
      return true;
    }
    return status.get() == TitleStatus.PUBLISHED || (claims.preview() && status.get() == TitleStatus.READY);
  }

  /** Empty when the catalog has no such title. */
  private Optional<TitleStatus> status(String titleId) {
    long now = System.nanoTime();
    Cached cached = statuses.get(titleId);
    if (cached != null && now - cached.expiresAt < 0) {
      return cached.status;
    }
    Optional<TitleStatus> status = parse(titleId).flatMap(catalog::get).map(Title::status);
    if (statuses.size() > 100_000) {
      statuses.clear();
    }
    statuses.put(titleId, new Cached(status, now + TTL_NANOS));
    return status;
  }

  private static Optional<UUID> parse(String titleId) {
    try {
      return Optional.of(UUID.fromString(titleId));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
