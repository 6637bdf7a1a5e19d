package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.PageRequest;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.CatalogQuery;
import io.streamkit.core.title.CatalogSearchResult;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleMetadata;
import io.streamkit.core.title.TitleStatus;
import io.streamkit.core.title.ViewerRegion;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The viewer's catalog: {@code GET /api/catalog?q=&category=&page=&size=} lists the titles viewers may play now
 * (published, inside their availability window), best match first, with the total and the number of matches per
 * category. Without a token it is the public storefront; with a playback token (as {@code Authorization: Bearer} or
 * {@code ?token=}) it is narrowed to what that token's viewer may play (its {@code max_rating}, and its
 * {@code categories} where the deployment enforces them; for a token naming a profile, the stricter of its
 * {@code max_rating} and the profile's limit), and a token that is invalid, for another client, revoked or naming a
 * profile that is not its viewer's is refused, never silently ignored. A title that lists regions is listed only to a
 * viewer there ({@link TitleVisibility#regionOf}: the token's {@code country}, and the trusted CDN header where the
 * deployment reads one, which also places callers without a token). {@code GET /api/catalog/{id}} answers one
 * title as the search lists it, under the same rules: a title the search would not list to this caller is 404,
 * whether it exists or not.
 */
final class CatalogEndpoints implements ApiEndpoints {

  static final String CATALOG = "catalog";
  static final int DEFAULT_PAGE_SIZE = 20;
  static final int MAX_PAGE_SIZE = 100;
  /** Deep pages cost a scan of everything before them; a viewer refines the search long before this. */
  static final int MAX_PAGE = 500;

  private final StreamkitStore store;
  private final PlaybackTokenVerifier verifier;
  private final TokenRevocations revocations;
  private final TitleVisibility visibility;

  /**
   * @param verifier {@code null} for an origin without tokens: then only the public catalog is served
   * @param visibility tells whether the deployment enforces a token's categories
   */
  CatalogEndpoints(StreamkitStore store, PlaybackTokenVerifier verifier, TokenRevocations revocations,
      TitleVisibility visibility) {
    this.store = store;
    this.verifier = verifier;
    this.revocations = revocations;
    this.visibility = visibility;
  }

  @Override
  public ApiExchange open(ApiCall call) {
    if (call.size() == 0 || call.size() > 2 || !call.segment(0).equals(CATALOG)) {
      return null;
    }
    if (!call.method().equals(HttpMethod.GET)) {
      throw ApiException.methodNotAllowed(call.method() + " is not served at " + call.describe() + "; use GET",
          "GET");
    }
    if (call.size() == 2) {
      String id = call.segment(1);
      PlaybackClaims claims = claims(call);
      return ApiExchange.withoutBody(() -> detail(call, id, claims));
    }
    int page = ManagementEndpoints.intParameter(call, "page", 0, 0, MAX_PAGE);
    int size = ManagementEndpoints.intParameter(call, "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    String text = call.queryParameter("q");
    String category = call.queryParameter("category");
    PlaybackClaims claims = claims(call);
    // Checked here, before the exchange starts, so a bad query is a 400 without a database read.
    query(call, text, category, claims, null, page, size);
    return ApiExchange.withoutBody(() -> answer(call,
        query(call, text, category, claims, claims == null ? null : visibility.maxRatingNow(claims).orElse(null),
            page, size), claims, page, size));
  }

  private CatalogQuery query(ApiCall call, String text, String category, PlaybackClaims claims,
      MaturityRating maxRating, int page, int size) {
    try {
      return new CatalogQuery(text == null ? "" : text, category == null || category.isEmpty() ? null : category,
          maxRating, claims == null || !visibility.categoryAccess() ? List.of() : claims.categories(),
          visibility.regionOf(claims, call.headers()), Instant.now(), new PageRequest(page * size, size));
    } catch (InvalidValueException e) {
      throw ApiException.badRequest(call.describe() + ": " + LogText.escape(e.getMessage()));
    }
  }

  /**
   * 403 for a revoked token, or one naming a profile that was deleted or is not its viewer's; checked off the event
   * loop, as the revocation list and the profile may be read from the store.
   */
  private void refuseRevoked(PlaybackClaims claims) {
    if (claims != null && revocations != null && !revocations.allows(claims)) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "token_revoked", "this playback token was revoked;"
          + " request a new one");
    }
    if (claims != null && !visibility.profileHoldsNow(claims)) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, OriginMetrics.PROFILE_REFUSED, "the profile this token"
          + " names was deleted or is not its viewer's; request a new token, or search without one");
    }
  }

  /** The token's claims, {@code null} without a token; 403 for a token that does not hold. */
  private PlaybackClaims claims(ApiCall call) {
    String token = call.bearerOrTokenParameter();
    if (token == null || token.isEmpty()) {
      return null;
    }
    if (verifier == null) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "tokens_off", "this origin runs without a token verifier"
          + " and cannot read the token; search without one, or start the origin with a signing key");
    }
    return ViewerTokens.verify(call, verifier, token, ", or search without a token");
  }

  private void answer(ApiCall call, CatalogQuery query, PlaybackClaims claims, int page, int size) {
    refuseRevoked(claims);
    CatalogSearchResult result = store.catalog().search(query);
    ObjectNode body = Responses.MAPPER.createObjectNode();
    ArrayNode items = body.putArray("items");
    result.titles().items().forEach(title -> items.add(entry(title)));
    body.put("page", page).put("size", size).put("total", result.total()).put("totalExact", result.totalExact())
        .put("hasNext", result.titles().hasNext());
    ObjectNode facetCounts = body.putObject("facets");
    facetCounts.put("exact", result.categoryCountsExact());
    ArrayNode categories = facetCounts.putArray("categories");
    for (Map.Entry<String, Long> facet : result.categoryCounts().entrySet()) {
      categories.addObject().put("category", facet.getKey()).put("count", facet.getValue());
    }
    call.respond(HttpResponseStatus.OK, body);
  }

  /** {@code GET /api/catalog/{id}}: the title when the search would list it to this caller, otherwise 404. */
  private void detail(ApiCall call, String id, PlaybackClaims claims) {
    refuseRevoked(claims);
    Title title = listed(store, visibility, id, claims, call).orElseThrow(() -> ApiException.notFound("no title '"
        + LogText.escape(id) + "' in the catalog" + (claims == null ? "" : " for this viewer")
        + "; search it with GET /api/catalog?q="));
    call.respond(HttpResponseStatus.OK, entry(title));
  }

  /**
   * The title {@code id} when the search lists it to {@code claims}' viewer (or, with {@code null}, to everyone):
   * published, inside its window, available where the caller of {@code call} is, and within the token's own limits
   * (for a token naming a profile: a profile of its viewer, and the stricter of the two limits). Empty for any other
   * id, existing or not, so that an answer never tells a hidden title from a missing one. Reads the catalog: off the
   * event loop only.
   */
  static Optional<Title> listed(StreamkitStore store, TitleVisibility visibility, String id, PlaybackClaims claims,
      ApiCall call) {
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Instant now = Instant.now();
    ViewerRegion region = visibility.regionOf(claims, call.headers());
    return store.catalog().get(uuid).filter(title -> title.status() == TitleStatus.PUBLISHED
        && title.metadata().availableAt(now)
        && (claims == null ? region.admits(title.metadata().regions()) : visibility.profileHoldsNow(claims)
            && visibility.decide(claims, title, visibility.maxRatingNow(claims), region)
            == TitleVisibility.Decision.ALLOWED));
  }

  /** What a viewer sees of a title: no moderation state, processing details or storage paths. */
  static ObjectNode entry(Title title) {
    String id = title.id().toString();
    TitleMetadata m = title.metadata();
    ObjectNode node = Responses.MAPPER.createObjectNode();
    node.put("id", id).put("name", title.name()).put("description", title.description());
    m.categories().forEach(node.putArray("categories")::add);
    node.put("releaseYear", m.releaseYear());
    node.put("maturityRating", m.maturityRating() == null ? null : m.maturityRating().label());
    node.put("durationSeconds", title.duration() == null ? null : title.duration().toMillis() / 1000.0);
    node.put("availableUntil", m.availableUntil() == null ? null : m.availableUntil().toString());
    node.put("audioOnly", title.audioOnly());
    node.put("posterPath", title.audioOnly() ? null : "/titles/" + id + "/poster.jpg");
    return node;
  }
}
