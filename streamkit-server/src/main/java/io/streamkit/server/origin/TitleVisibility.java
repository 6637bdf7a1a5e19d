package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.handler.codec.http.HttpHeaders;
import io.streamkit.core.profile.Profile;
import io.streamkit.core.profile.Profiles;
import io.streamkit.core.title.Catalog;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleMetadata;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.ViewerRegion;
import io.streamkit.core.token.PlaybackClaims;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which titles a token may open given the catalog: viewers only {@link TitleStatus#PUBLISHED} titles inside their
 * availability window, moderators' preview tokens also {@link TitleStatus#READY} ones (and any published title
 * whatever its window, so a scheduled title can be checked before it opens). Titles the catalog does not know
 * (packaged outside the platform API and copied into the data directory) are governed by the token alone.
 *
 * <p>The catalog is a database, and the token gate runs on the event loop, so each title's status and window come from
 * a Caffeine cache that never blocks the loop: an entry older than {@link #REFRESH_AFTER} is served as it is while a
 * reload runs on the executor ({@code refreshAfterWrite}), so a publish, unpublish or window edit on another node
 * takes effect within about that time (at once on this node, which {@link #invalidate}s); only the first request for
 * a title waits for the database, and then asynchronously. The window itself is compared with the clock at every
 * request, so a window opens and closes on time on every node whatever the cache holds. A reload that fails keeps
 * the last known entry; one not refreshed for {@link #EXPIRE_AFTER} is dropped and loaded afresh. Bounded to
 * {@link #MAX_TITLES} entries (W-TinyLFU eviction).
 *
 * <p>A token's own limits are checked against the same entry: a {@code max_rating} (a kids profile) refuses titles
 * rated above it and unrated ones, and where the deployment turns category access on, a {@code categories} claim
 * refuses titles in none of them. Neither is lifted for preview tokens.
 *
 * <p>A title that lists regions opens only for a viewer in one of them ({@link ViewerRegion}): the viewer's country
 * is the token's {@code country} claim, which the application sets as it knows its viewers, and, where the deployment
 * names a trusted header ({@link OriginServer.Builder#viewerCountryHeader}), the country a CDN put in that header for
 * the request (CloudFront's {@code CloudFront-Viewer-Country}, Cloudflare's {@code CF-IPCountry}); when both are
 * known, both must be listed, so a forged header can narrow but never widen what a token with a country opens. A
 * viewer whose country is unknown is refused such titles only where the deployment requires a country
 * ({@link OriginServer.Builder#requireViewerCountry}). Preview tokens are a moderator's, not a viewer's: regions do
 * not apply to them.
 *
 * <p>A token that names a viewer's {@code profile} is checked against the profile as stored, cached the same way (its
 * owner and limit, refreshed after {@link #REFRESH_AFTER}): a profile that is deleted or belongs to another viewer
 * refuses everything, and the profile's limit applies together with the token's {@code max_rating}, the stricter
 * winning. So a token minted before a profile's limit was lowered, or minted without the claim, still cannot open
 * what the profile may not watch.
 */
final class TitleVisibility {

  static final Duration REFRESH_AFTER = Duration.ofSeconds(1);
  static final Duration EXPIRE_AFTER = Duration.ofMinutes(1);
  static final long MAX_TITLES = 100_000;
  private static final int LETTERS = 26;
  /** ASCII's lower-case letters are the upper-case ones with this bit set. */
  private static final int CASE_BIT = 0x20;
  private static final ViewerRegion UNKNOWN_REQUIRED = new ViewerRegion(List.of(), true);
  private static final Logger LOG = LoggerFactory.getLogger(TitleVisibility.class);

  /** Whether a token may open its title, and if not, why (the tag counted in the rejection metric). */
  enum Decision {
    ALLOWED(null),
    NOT_PUBLISHED(OriginMetrics.TITLE_NOT_PUBLISHED),
    NOT_AVAILABLE(OriginMetrics.TITLE_NOT_AVAILABLE),
    ABOVE_MATURITY(OriginMetrics.TITLE_ABOVE_MATURITY),
    OUTSIDE_CATEGORIES(OriginMetrics.TITLE_OUTSIDE_CATEGORIES),
    OUTSIDE_REGION(OriginMetrics.TITLE_OUTSIDE_REGION),
    PROFILE_REFUSED(OriginMetrics.PROFILE_REFUSED);

    final String metric;
    /** This decision as a completed future, so that a cached decision allocates nothing. */
    final CompletableFuture<Decision> answer = CompletableFuture.completedFuture(this);

    Decision(String metric) {
      this.metric = metric;
    }
  }

  /**
   * What the gate keeps of a catalog title: its status, its window in epoch milliseconds, its rating, its categories
   * and its regions.
   */
  private record Gate(TitleStatus status, long availableFromMillis, long availableUntilMillis, MaturityRating rating,
      List<String> categories, List<String> regions) {

    static Gate of(Title title) {
      TitleMetadata m = title.metadata();
      return new Gate(title.status(), m.availableFrom() == null ? Long.MIN_VALUE : m.availableFrom().toEpochMilli(),
          m.availableUntil() == null ? Long.MAX_VALUE : m.availableUntil().toEpochMilli(), m.maturityRating(),
          m.categories(), m.regions());
    }
  }

  private final AsyncLoadingCache<String, Optional<Gate>> gates;
  private final AsyncLoadingCache<UUID, Optional<Profile>> profiles;
  private final Clock clock;
  private final boolean categoryAccess;
  private final String countryHeader;
  private final boolean countryRequired;
  /** Every two-letter code's region, so that placing a viewer allocates nothing. */
  private final ViewerRegion[] singleCountries;

  /**
   * @param categoryAccess whether a token's {@code categories} claim limits the titles it opens (a deployment
   *     setting, off by default)
   * @param countryHeader the request header a trusted CDN puts the viewer's country in, or {@code null} to read none
   * @param countryRequired whether a viewer whose country is not known is refused titles that list regions
   */
  TitleVisibility(Catalog catalog, Profiles profiles, Executor executor, Ticker ticker, Clock clock,
      boolean categoryAccess, String countryHeader, boolean countryRequired) {
    this.clock = clock;
    this.categoryAccess = categoryAccess;
    this.countryHeader = countryHeader;
    this.countryRequired = countryRequired;
    this.singleCountries = new ViewerRegion[LETTERS * LETTERS];
    for (int i = 0; i < singleCountries.length; i++) {
      singleCountries[i] = new ViewerRegion(List.of("" + (char) ('A' + i / LETTERS) + (char) ('A' + i % LETTERS)),
          countryRequired);
    }
    this.gates = Caffeine.newBuilder()
        .maximumSize(MAX_TITLES)
        .refreshAfterWrite(REFRESH_AFTER)
        .expireAfterWrite(EXPIRE_AFTER)
        .executor(executor)
        .ticker(ticker)
        .buildAsync(new GateLoader(catalog));
    this.profiles = Caffeine.newBuilder()
        .maximumSize(MAX_TITLES)
        .refreshAfterWrite(REFRESH_AFTER)
        .expireAfterWrite(EXPIRE_AFTER)
        .executor(executor)
        .ticker(ticker)
        .buildAsync(new ProfileLoader(profiles));
  }

  /**
   * {@return where the viewer is: the country of the token ({@code null} for a caller without one) and the country
   * the trusted header of the request names, where the deployment reads one} A header value that is not two letters,
   * or is {@code XX} (Cloudflare's "no country": a request it could not place; {@code T1}, its Tor exit, is not two
   * letters), is no country.
   *
   * @param headers the request's headers, or {@code null} for a request no CDN forwarded (the management API's)
   */
  ViewerRegion regionOf(PlaybackClaims claims, HttpHeaders headers) {
    ViewerRegion fromToken = claims == null ? null : claims.country().map(this::oneCountry).orElse(null);
    ViewerRegion fromHeader = countryHeader == null || headers == null ? null
        : headerCountry(headers.get(countryHeader));
    if (fromToken == null && fromHeader == null) {
      return countryRequired ? UNKNOWN_REQUIRED : ViewerRegion.UNCHECKED;
    }
    if (fromToken == null || fromHeader == null || fromToken == fromHeader) {
      return fromToken == null ? fromHeader : fromToken;
    }
    return new ViewerRegion(List.of(fromToken.countries().get(0), fromHeader.countries().get(0)), countryRequired);
  }

  /** The region of one country, made once per code: this runs for every segment request. */
  private ViewerRegion oneCountry(String code) {
    return singleCountries[index(code.charAt(0), code.charAt(1))];
  }

  /** A header's country; {@code null} for no value, one that is not two ASCII letters, or Cloudflare's {@code XX}. */
  private ViewerRegion headerCountry(String value) {
    if (value == null || value.length() != 2) {
      return null;
    }
    int first = value.charAt(0) & ~CASE_BIT;
    int second = value.charAt(1) & ~CASE_BIT;
    if (first < 'A' || first > 'Z' || second < 'A' || second > 'Z' || (first == 'X' && second == 'X')) {
      return null;
    }
    return singleCountries[index(first, second)];
  }

  /** Where an upper-case code's region is kept in {@link #singleCountries}. */
  private static int index(int first, int second) {
    return (first - 'A') * LETTERS + second - 'A';
  }

  /**
   * Whether the claims may open their title from {@code region}; completes at once when the title is cached, and
   * then without allocating (this runs for every segment request).
   */
  CompletableFuture<Decision> decide(PlaybackClaims claims, ViewerRegion region) {
    CompletableFuture<Optional<Gate>> gate = gates.get(claims.titleId());
    if (claims.profile().isEmpty()) {
      if (gate.isDone() && !gate.isCompletedExceptionally()) {
        return within(claims, gate.join(), claims.maxRating(), region).answer;
      }
      return gate.thenApply(known -> within(claims, known, claims.maxRating(), region));
    }
    CompletableFuture<Optional<Profile>> profile = profiles.get(claims.profile().get());
    if (gate.isDone() && !gate.isCompletedExceptionally() && profile.isDone()
        && !profile.isCompletedExceptionally()) {
      return forProfile(claims, gate.join(), profile.join(), region).answer;
    }
    return gate.thenCombine(profile, (known, profileNow) -> forProfile(claims, known, profileNow, region));
  }

  /** As {@link #decide}, waiting for the catalog if it must: only off the event loop. */
  Decision decideNow(PlaybackClaims claims, ViewerRegion region) {
    return decide(claims, region).join();
  }

  /**
   * {@return whether {@code claims} may open {@code title} now from {@code region}, decided from the title as given
   * (e.g. just read from the catalog before a token is signed)}
   */
  Decision decide(PlaybackClaims claims, Title title, ViewerRegion region) {
    return within(claims, Optional.of(Gate.of(title)), claims.maxRating(), region);
  }

  /**
   * {@return whether a viewer whose limit is {@code maxRating} (the one {@link #maxRatingNow} found) may open
   * {@code title} now from {@code region}, for lists such as "continue watching" read from the catalog}
   */
  Decision decide(PlaybackClaims claims, Title title, Optional<MaturityRating> maxRating, ViewerRegion region) {
    return within(claims, Optional.of(Gate.of(title)), maxRating, region);
  }

  /**
   * {@return the limit that applies to the token's viewer now: the token's {@code max_rating}, or, for a token naming
   * a profile, the stricter of it and the profile's} Waits for the store if it must: only off the event loop. Call
   * after {@link #profileHoldsNow} said yes.
   */
  Optional<MaturityRating> maxRatingNow(PlaybackClaims claims) {
    if (claims.profile().isEmpty()) {
      return claims.maxRating();
    }
    return profiles.get(claims.profile().get()).join()
        .map(profile -> profile.stricterLimit(claims.maxRating()))
        .orElse(claims.maxRating());
  }

  /**
   * {@return whether the profile the token names, if any, exists and is its viewer's} Waits for the store if it
   * must: only off the event loop.
   */
  boolean profileHoldsNow(PlaybackClaims claims) {
    return claims.profile().isEmpty() || profiles.get(claims.profile().get()).join()
        .filter(profile -> profile.ownerId().equals(claims.viewer())).isPresent();
  }

  /**
   * Whether a title is listed to a caller without a token in {@code region}, as the public catalog lists it: known to
   * the catalog, published, inside its window and available there ({@link Decision#NOT_PUBLISHED} for a title the
   * catalog does not know, which only its token opens). Completes at once when the title is cached.
   */
  CompletableFuture<Decision> decidePublic(String titleId, ViewerRegion region) {
    return gates.get(titleId).thenApply(known -> {
      if (known.isEmpty() || known.get().status() != TitleStatus.PUBLISHED) {
        return Decision.NOT_PUBLISHED;
      }
      long now = clock.millis();
      if (now < known.get().availableFromMillis() || now >= known.get().availableUntilMillis()) {
        return Decision.NOT_AVAILABLE;
      }
      return region.admits(known.get().regions()) ? Decision.ALLOWED : Decision.OUTSIDE_REGION;
    });
  }

  /** {@return whether a token's categories limit what it opens and lists in this deployment} */
  boolean categoryAccess() {
    return categoryAccess;
  }

  /** {@return whether a viewer whose country is not known is refused titles that list regions} */
  boolean countryRequired() {
    return countryRequired;
  }

  /** Forgets a title's status and window, after this node changed them. */
  void invalidate(String titleId) {
    gates.synchronous().invalidate(titleId);
  }

  /** Forgets a profile's owner and limit, after this node deleted it. */
  void invalidateProfile(UUID profileId) {
    profiles.synchronous().invalidate(profileId);
  }

  private Decision forProfile(PlaybackClaims claims, Optional<Gate> known, Optional<Profile> profile,
      ViewerRegion region) {
    if (profile.isEmpty() || !profile.get().ownerId().equals(claims.viewer())) {
      return Decision.PROFILE_REFUSED;
    }
    return within(claims, known, profile.get().stricterLimit(claims.maxRating()), region);
  }

  private Decision within(PlaybackClaims claims, Optional<Gate> known, Optional<MaturityRating> maxRating,
      ViewerRegion region) {
    if (known.isEmpty()) {
      return Decision.ALLOWED;
    }
    Gate gate = known.get();
    if (gate.status() == TitleStatus.READY && claims.preview()) {
      return Decision.ALLOWED;
    }
    if (gate.status() != TitleStatus.PUBLISHED) {
      return Decision.NOT_PUBLISHED;
    }
    if (!claims.preview()) {
      long now = clock.millis();
      if (now < gate.availableFromMillis() || now >= gate.availableUntilMillis()) {
        return Decision.NOT_AVAILABLE;
      }
    }
    if (maxRating.isPresent() && (gate.rating() == null || !gate.rating().allowedUnder(maxRating.get()))) {
      return Decision.ABOVE_MATURITY;
    }
    if (categoryAccess && !claims.categories().isEmpty() && !inAny(gate.categories(), claims.categories())) {
      return Decision.OUTSIDE_CATEGORIES;
    }
    if (!claims.preview() && !region.admits(gate.regions())) {
      return Decision.OUTSIDE_REGION;
    }
    return Decision.ALLOWED;
  }

  private static boolean inAny(List<String> titleCategories, List<String> allowed) {
    for (String category : titleCategories) {
      if (allowed.contains(category)) {
        return true;
      }
    }
    return false;
  }

  /** Loads a profile's owner and limit on the executor; a failed reload keeps what was known. */
  private record ProfileLoader(Profiles profiles) implements AsyncCacheLoader<UUID, Optional<Profile>> {

    @Override
    public CompletableFuture<Optional<Profile>> asyncLoad(UUID profileId, Executor executor) {
      return CompletableFuture.supplyAsync(() -> profiles.find(profileId), executor);
    }

    @Override
    public CompletableFuture<Optional<Profile>> asyncReload(UUID profileId, Optional<Profile> old,
        Executor executor) {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return profiles.find(profileId);
        } catch (RuntimeException e) {
          LOG.warn("cannot refresh profile {} ({}); using the last known one", profileId,
              LogText.escape(e.getMessage()));
          return old;
        }
      }, executor);
    }
  }

  /** Loads on the executor; a failed reload keeps what was known. */
  private record GateLoader(Catalog catalog) implements AsyncCacheLoader<String, Optional<Gate>> {

    @Override
    public CompletableFuture<Optional<Gate>> asyncLoad(String titleId, Executor executor) {
      return CompletableFuture.supplyAsync(() -> load(titleId), executor);
    }

    @Override
    public CompletableFuture<Optional<Gate>> asyncReload(String titleId, Optional<Gate> old, Executor executor) {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return load(titleId);
        } catch (RuntimeException e) {
          LOG.warn("cannot refresh the status of title {} ({}); serving the last known one", titleId,
              LogText.escape(e.getMessage()));
          return old;
        }
      }, executor);
    }

    private Optional<Gate> load(String titleId) {
      UUID id;
      try {
        id = UUID.fromString(titleId);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      return catalog.get(id).map(Gate::of);
    }
  }
}
