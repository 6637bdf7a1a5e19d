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
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleMetadata;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.core.token.TokenRejectedException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The viewer's catalog: {@code GET /api/catalog?q=&category=&page=&size=} lists the titles viewers may play now
 * (published, inside their availability window), best match first, with the total and the number of matches per
 * category. Without a token it is the public storefront; with a playback token (as {@code Authorization: Bearer} or
 * {@code ?token=}) it is narrowed to what that token's viewer may play (its {@code max_rating}, and its
 * {@code categories} where the deployment enforces them), and a token that is invalid, for another client or revoked
 * is refused, never silently ignored.
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
    if (call.size() != 1 || !call.segment(0).equals(CATALOG)) {
      return null;
    }
    if (!call.method().equals(HttpMethod.GET)) {
      throw ApiException.methodNotAllowed(call.method() + " is not served at " + call.describe() + "; use GET",
          "GET");
    }
    int page = ManagementEndpoints.intParameter(call, "page", 0, 0, MAX_PAGE);
    int size = ManagementEndpoints.intParameter(call, "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    String text = call.queryParameter("q");
    String category = call.queryParameter("category");
    PlaybackClaims claims = claims(call);
    CatalogQuery query;
    try {
      query = new CatalogQuery(text == null ? "" : text, category == null || category.isEmpty() ? null : category,
          claims == null ? null : claims.maxRating().orElse(null),
          claims == null || !visibility.categoryAccess() ? List.of() : claims.categories(), Instant.now(),
          new PageRequest(page * size, size));
    } catch (InvalidValueException e) {
      throw ApiException.badRequest(call.describe() + ": " + LogText.escape(e.getMessage()));
    }
    return ApiExchange.withoutBody(() -> answer(call, query, claims, page, size));
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
    try {
      PlaybackClaims claims = verifier.verify(token);
      if (!claims.allowsClient(call.client())) {
        throw new TokenRejectedException(TokenRejectedException.Reason.WRONG_CLIENT, "another client address");
      }
      return claims;
    } catch (TokenRejectedException e) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "forbidden", "the playback token was refused ("
          + e.reason().tag() + "); request a new one, or search without a token");
    }
  }

  private void answer(ApiCall call, CatalogQuery query, PlaybackClaims claims, int page, int size) {
    if (claims != null && revocations != null && !revocations.allows(claims)) {
      throw new ApiException(HttpResponseStatus.FORBIDDEN, "token_revoked", "this playback token was revoked;"
          + " request a new one");
    }
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
