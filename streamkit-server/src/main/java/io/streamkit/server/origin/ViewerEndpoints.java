package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import io.streamkit.core.event.PlaybackClient;
import io.streamkit.core.event.PlaybackEvent;
import io.streamkit.core.event.PlaybackEventType;
import io.streamkit.core.analytics.PlaybackAnalytics;
import io.streamkit.core.progress.ProgressWriter;
import io.streamkit.core.progress.WatchProgress;
import io.streamkit.core.recommend.Recommendations;
import io.streamkit.core.recommend.Recommender;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.ViewerRegion;
import io.streamkit.core.title.UnknownTitleException;
import io.streamkit.core.token.PlaybackClaims;
import io.streamkit.core.token.PlaybackTokenVerifier;
import io.streamkit.core.token.TokenRejectedException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The viewer endpoints, authorised by the playback token ({@code Authorization: Bearer <token>} or {@code ?token=};
 * the viewer is the token's subject, the title its title claim), and the admin analytics endpoints:
 *
 * <pre>
 *  PUT  /api/progress/{titleId}        heartbeat → write-behind writer, 202
 *  GET  /api/progress/{titleId}        the stored position (heartbeats taken so far are flushed first), or 404
 *  GET  /api/continue-watching         the viewer's started, unfinished titles, newest first
 *  GET  /api/recommendations           for you, because you watched, popular now (from the last recomputation)
 *  POST /api/events                    up to 500 player events of the token's title, 202
 *  GET  /api/titles/{id}/analytics     admin role: one title's report (from the rollups)
 *  GET  /api/analytics                 admin role: platform summary (from the rollups)
 * </pre>
 *
 * Token checks use the origin's {@link io.streamkit.core.token.PlaybackTokenVerifier} (and its verified-token cache)
 * and the catalog's moderation state ({@link io.streamkit.server.origin.TitleVisibility}) exactly as the token gate
 * does for media: a viewer token opens a published title, a preview token also a ready one.
 *
 * <p>A token that names a viewer's profile ({@code profile} claim) acts for that profile: progress, "continue
 * watching" and recommendations are kept under the profile's id
 * ({@link io.streamkit.core.profile.Profile#progressViewerId()}), and the lists leave out what the profile may not watch now (above the stricter of the token's and the profile's
 * maximum rating, outside its window, outside the token's categories where the deployment enforces them). Playback
 * events stay the viewer's, as do stream limits. Each event is stored with the kind of client that posted it
 * ({@link io.streamkit.core.event.PlaybackClient}), classified from the request's {@code User-Agent}, which is not
 * stored.
 */
final class ViewerEndpoints implements ApiEndpoints, AutoCloseable {

  /** The most events {@code POST /api/events} takes at once. */
  static final int MAX_EVENTS_PER_BATCH = 500;
  /** Enough for {@link #MAX_EVENTS_PER_BATCH} events with their attributes. */
  static final int MAX_BODY_BYTES = 1024 * 1024;
  static final String PROGRESS = "progress";
  static final String CONTINUE_WATCHING = "continue-watching";
  /** Stored progress rows read at a time while a continue-watching page is filled with what the viewer may play. */
  static final int CONTINUE_WATCHING_BATCH = 100;
  static final String RECOMMENDATIONS = "recommendations";
  static final int DEFAULT_RECOMMENDATIONS = 10;
  static final String EVENTS = "events";
  static final String TITLES = "titles";
  static final String ANALYTICS = "analytics";
  static final int DEFAULT_PAGE_SIZE = 20;
  static final int MAX_PAGE_SIZE = 100;

  private static final Logger LOG = LoggerFactory.getLogger(ViewerEndpoints.class);

  private final StreamkitStore store;
  private final PlaybackTokenVerifier verifier;
  private final ManagementAccess access;
  private final TitleVisibility visibility;
  private final TokenRevocations revocations;
  private final StreamLimitHandler streamLimits;
  private final ProgressWriter progressWriter;
  private final PlaybackAnalytics analytics;
  private final Recommender recommender;

  /**
   * Starts the progress writer.
   *
   * @param verifier checks playback tokens; {@code null} refuses every viewer call (there is no viewer without one)
   * @param access who may read the analytics (admins)
   */
  ViewerEndpoints(StreamkitStore store, PlaybackTokenVerifier verifier, ManagementAccess access,
      TitleVisibility visibility, TokenRevocations revocations, StreamLimitHandler streamLimits) {
    this.store = store;
    this.verifier = verifier;
    this.access = access;
    this.visibility = visibility;
    this.revocations = revocations;
    this.streamLimits = streamLimits;
    this.progressWriter = ProgressWriter.builder(store.progress()).build();
    this.analytics = PlaybackAnalytics.of(store);
    this.recommender = Recommender.builder(store).build();
  }

  /** The writer behind {@code PUT /api/progress}; its {@link ProgressWriter#flush()} stores every heartbeat taken. */
  ProgressWriter progressWriter() {
    return progressWriter;
  }

  /** Stores every heartbeat answered 202 so far, then stops the writer. Call after the API executor has stopped. */
  @Override
  public void close() {
    try {
      progressWriter.flush();
    } finally {
      progressWriter.close();
    }
    LOG.info("viewer API stopped; progress writer {}", progressWriter.stats());
  }

  @Override
  public ApiExchange open(ApiCall call) {
    boolean get = call.method().equals(HttpMethod.GET);
    boolean ours = switch (call.size()) {
      case 1 -> (get && (call.segment(0).equals(CONTINUE_WATCHING) || call.segment(0).equals(RECOMMENDATIONS)
          || call.segment(0).equals(ANALYTICS)))
          || (call.method().equals(HttpMethod.POST) && call.segment(0).equals(EVENTS));
      case 2 -> call.segment(0).equals(PROGRESS) && (get || call.method().equals(HttpMethod.PUT));
      case 3 -> get && call.segment(0).equals(TITLES) && call.segment(2).equals(ANALYTICS);
      default -> false;
    };
    if (!ours) {
      return null;
    }
    ApiExchange exchange = ApiExchange.withBody(MAX_BODY_BYTES, body -> answer(call, body));
    if (call.segment(call.size() - 1).equals(ANALYTICS)) {
      access.requireCredential(call);
      return access.guard(call, ManagementAccess.Permission.ADMIN, () -> exchange);
    }
    return exchange;
  }

  private void answer(ApiCall call, byte[] body) {
    switch (call.segment(0)) {
      case PROGRESS -> progress(call, call.segment(1), body);
      case CONTINUE_WATCHING -> continueWatching(call);
      case RECOMMENDATIONS -> recommendations(call);
      case EVENTS -> events(call, body);
      case ANALYTICS -> platformAnalytics(call);
      default -> titleAnalytics(call, call.segment(1));
    }
  }

  // ---- viewer endpoints

  private void progress(ApiCall call, String titleParameter, byte[] requestBody) {
    Optional<PlaybackClaims> claims = viewer(call, titleParameter);
    if (claims.isEmpty()) {
      return;
    }
    UUID titleId = titleId(call, claims.get());
    if (titleId == null) {
      return;
    }
    String viewer = progressViewer(claims.get());
    if (call.method().equals(HttpMethod.PUT)) {
      JsonNode body = jsonObject(call, requestBody);
      if (body == null) {
        return;
      }
      WatchProgress reading;
      try {
        reading = WatchProgress.ofSeconds(viewer, titleId, number(body, "positionSeconds"),
            number(body, "durationSeconds"), instant(body.get("clientTime"), "clientTime"));
      } catch (InvalidValueException e) {
        call.fail(HttpResponseStatus.BAD_REQUEST, "bad_progress", "PUT /api/progress/" + titleId + ": "
            + e.getMessage());
        return;
      }
      progressWriter.submit(reading);
      streamLimits.stillPlaying(claims.get());
      call.respond(HttpResponseStatus.ACCEPTED, null);
      return;
    }
    // Read-your-writes: a player that saved its position on pagehide and reloads at once must resume there, not at
    // the heartbeat before. Flushing costs one multi-row write of whatever waits, which the writer would do within
    // its interval anyway; resume reads are one per page load, not per heartbeat.
    progressWriter.flush();
    Optional<WatchProgress> stored = store.progress().get(viewer, titleId);
    if (stored.isEmpty()) {
      call.fail(HttpResponseStatus.NOT_FOUND, "no_progress", "viewer " + viewer + " has no saved position in title "
          + titleId + "; start from the beginning");
      return;
    }
    call.respond(HttpResponseStatus.OK, progressJson(stored.get()));
  }

  private void continueWatching(ApiCall call) {
    Optional<PlaybackClaims> claims = viewer(call, null);
    if (claims.isEmpty()) {
      return;
    }
    int page;
    int size;
    try {
      page = intParameter(call, "page", 0, 0, 1_000_000);
      size = intParameter(call, "size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
    } catch (InvalidValueException e) {
      call.fail(HttpResponseStatus.BAD_REQUEST, "bad_page", "GET /api/continue-watching: " + e.getMessage());
      return;
    }
    progressWriter.flush();
    Optional<MaturityRating> maxRating = visibility.maxRatingNow(claims.get());
    ViewerRegion region = visibility.regionOf(claims.get(), call.headers());
    // Pages of what the viewer may play now, not of stored rows: started once is not watchable now (the window may
    // have closed, a profile's limit may have been lowered), and a page of stored rows could come out short or empty
    // while more followed. The stored rows are read in batches, newest first, until the page and one more are found.
    long skip = (long) page * size;
    ArrayNode items = Responses.MAPPER.createArrayNode();
    boolean hasNext = false;
    PageRequest batch = PageRequest.first(CONTINUE_WATCHING_BATCH);
    scan:
    while (true) {
      Page<WatchProgress> rows = store.progress().continueWatching(progressViewer(claims.get()), batch);
      for (WatchProgress row : rows.items()) {
        Optional<Title> title = store.catalog().get(row.titleId());
        if (title.isEmpty()
            || visibility.decide(claims.get(), title.get(), maxRating, region) != TitleVisibility.Decision.ALLOWED) {
          continue;
        }
        if (skip > 0) {
          skip--;
        } else if (items.size() == size) {
          hasNext = true;
          break scan;
        } else {
          items.addObject()
              .put("titleId", row.titleId().toString())
              .put("name", title.get().name())
              .put("positionSeconds", seconds(row.position()))
              .put("durationSeconds", seconds(row.duration()))
              .put("clientTime", row.clientTimestamp().toString())
              .put("posterUrl", posterUrl(title.get()));
        }
      }
      if (!rows.hasNext()) {
        break;
      }
      batch = batch.next();
    }
    ObjectNode response = Responses.MAPPER.createObjectNode();
    response.set("items", items);
    response.put("page", page).put("size", size).put("hasNext", hasNext);
    call.respond(HttpResponseStatus.OK, response);
  }

  private void recommendations(ApiCall call) {
    Optional<PlaybackClaims> claims = viewer(call, null);
    if (claims.isEmpty()) {
      return;
    }
    int limit;
    try {
      limit = intParameter(call, "limit", DEFAULT_RECOMMENDATIONS, 1, Recommender.MAX_LIMIT);
    } catch (InvalidValueException e) {
      call.fail(HttpResponseStatus.BAD_REQUEST, "bad_limit", "GET /api/recommendations: " + e.getMessage());
      return;
    }
    Recommendations mine = recommender.forViewer(progressViewer(claims.get()),
        visibility.maxRatingNow(claims.get()).orElse(null),
        visibility.categoryAccess() ? claims.get().categories() : List.of(),
        visibility.regionOf(claims.get(), call.headers()), limit);
    ObjectNode response = Responses.MAPPER.createObjectNode();
    response.put("computedAt", mine.computedAt() == null ? null : mine.computedAt().toString());
    response.set("forYou", titleCards(mine.forYou()));
    ArrayNode rows = response.putArray("becauseYouWatched");
    for (Recommendations.BecauseYouWatched row : mine.becauseYouWatched()) {
      Optional<Title> watched = store.catalog().get(row.watched());
      if (watched.isPresent()) {
        rows.addObject().put("titleId", row.watched().toString()).put("name", watched.get().name())
            .set("titles", titleCards(row.titles()));
      }
    }
    response.set("popular", titleCards(mine.popular()));
    call.respond(HttpResponseStatus.OK, response);
  }

  /** Titles as the browse rows show them: id, name, poster. A title deleted meanwhile is left out. */
  private ArrayNode titleCards(List<UUID> titleIds) {
    ArrayNode cards = Responses.MAPPER.createArrayNode();
    for (UUID id : titleIds) {
      store.catalog().get(id).ifPresent(title -> cards.addObject().put("titleId", id.toString())
          .put("name", title.name()).put("posterUrl", posterUrl(title)));
    }
    return cards;
  }

  /** The poster's path under the origin, or {@code null} for an audio-only title (it has none). */
  private static String posterUrl(Title title) {
    return title.audioOnly() ? null : "/titles/" + title.id() + "/poster.jpg";
  }

  private void events(ApiCall call, byte[] requestBody) {
    Optional<PlaybackClaims> claims = viewer(call, null);
    if (claims.isEmpty()) {
      return;
    }
    UUID titleId = titleId(call, claims.get());
    JsonNode body = titleId == null ? null : jsonObject(call, requestBody);
    if (body == null) {
      return;
    }
    JsonNode events = body.get("events");
    if (events == null || !events.isArray()) {
      call.fail(HttpResponseStatus.BAD_REQUEST, "bad_events",
          "POST /api/events: the body needs an \"events\" array of player events");
      return;
    }
    if (events.size() > MAX_EVENTS_PER_BATCH) {
      call.fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_many_events", "POST /api/events: "
          + events.size() + " events in one batch; send at most " + MAX_EVENTS_PER_BATCH + " per batch");
      return;
    }
    PlaybackClient client;
    try {
      client = client(call, body);
    } catch (InvalidValueException e) {
      call.fail(HttpResponseStatus.BAD_REQUEST, "bad_device_class", "POST /api/events: " + e.getMessage()
          + "; leave deviceClass out to have it read from the User-Agent");
      return;
    }
    List<PlaybackEvent> batch = new ArrayList<>(events.size());
    Instant now = Instant.now();
    String viewer = claims.get().viewer();
    for (int i = 0; i < events.size(); i++) {
      JsonNode event = events.get(i);
      try {
        if (!event.isObject()) {
          throw new InvalidValueException("event", event.getNodeType(), "must be a JSON object");
        }
        JsonNode position = event.get("positionSeconds");
        batch.add(new PlaybackEvent(PlaybackEventType.fromWireName(text(event, "type")), viewer, titleId,
            text(body, "sessionId"), position == null ? Duration.ZERO : secondsDuration(number(event,
                "positionSeconds")), attributes(event.get("attributes")), instantOr(event.get("time"), now),
            client));
      } catch (InvalidValueException e) {
        call.fail(HttpResponseStatus.BAD_REQUEST, "bad_event", "POST /api/events: events[" + i + "]: "
            + e.getMessage());
        return;
      }
    }
    try {
      store.events().appendBatch(batch);
    } catch (UnknownTitleException e) {
      call.fail(HttpResponseStatus.NOT_FOUND, "unknown_title", "POST /api/events: title " + titleId
          + " is no longer in the catalog; stop sending events for it");
      return;
    }
    call.respond(HttpResponseStatus.ACCEPTED, Responses.MAPPER.createObjectNode().put("accepted", batch.size()));
  }

  /**
   * The kind of client posting, from its {@code User-Agent}; an embedding player that knows better (a TV app whose
   * web view announces a phone) may name the device class in the body's {@code deviceClass}.
   */
  private static PlaybackClient client(ApiCall call, JsonNode body) {
    PlaybackClient client = PlaybackClient.fromUserAgent(call.headers().get(HttpHeaderNames.USER_AGENT));
    JsonNode declared = body.get("deviceClass");
    if (declared == null || declared.isNull()) {
      return client;
    }
    if (!declared.isTextual()) {
      throw new InvalidValueException("deviceClass", declared.getNodeType(), "must be a string");
    }
    return client.withDevice(PlaybackClient.Device.fromWireName(declared.asText()));
  }

  // ---- admin analytics

  private void titleAnalytics(ApiCall call, String titleParameter) {
    UUID titleId = uuidOrNull(titleParameter);
    if (titleId != null) {
      try {
        call.respond(HttpResponseStatus.OK, analytics.title(titleId));
        return;
      } catch (UnknownTitleException e) {
        // Answered below, like an id that is not a UUID at all.
      }
    }
    call.fail(HttpResponseStatus.NOT_FOUND, "unknown_title", "GET /api/titles/" + titleParameter
        + "/analytics: no such title; list titles with GET /api/titles");
  }

  private void platformAnalytics(ApiCall call) {
    call.respond(HttpResponseStatus.OK, analytics.platform());
  }

  // ---- authorisation

  /**
   * The token's claims if it authorises this client (and {@code titleId}, when given); otherwise answers 401/403 and
   * returns empty.
   */
  private Optional<PlaybackClaims> viewer(ApiCall call, String titleId) {
    if (verifier == null) {
      call.fail(HttpResponseStatus.FORBIDDEN, "tokens_off", "viewer endpoints need playback tokens, and this origin"
          + " runs without a token verifier; start it with a signing key");
      return Optional.empty();
    }
    String token = call.bearerOrTokenParameter();
    if (token == null || token.isEmpty()) {
      call.fail(HttpResponseStatus.UNAUTHORIZED, "missing_token", "this endpoint needs the playback token as"
          + " Authorization: Bearer <token> or ?token=; get one from POST /api/titles/{id}/playback");
      return Optional.empty();
    }
    try {
      PlaybackClaims claims;
      if (titleId != null) {
        claims = verifier.authorise(token, titleId, call.client());
      } else {
        claims = verifier.verify(token);
        if (!claims.allowsClient(call.client())) {
          throw new TokenRejectedException(TokenRejectedException.Reason.WRONG_CLIENT, "another client address");
        }
      }
      TitleVisibility.Decision decision = visibility.decideNow(claims, visibility.regionOf(claims, call.headers()));
      if (decision == TitleVisibility.Decision.NOT_PUBLISHED) {
        call.fail(HttpResponseStatus.FORBIDDEN, "not_published", "title " + claims.titleId() + " is not published;"
            + " viewer tokens open published titles only, moderators preview ready titles with a preview token");
        return Optional.empty();
      }
      if (decision == TitleVisibility.Decision.NOT_AVAILABLE) {
        call.fail(HttpResponseStatus.FORBIDDEN, "not_available", "title " + claims.titleId() + " is outside its"
            + " availability window now; it can be played only between its availableFrom and availableUntil");
        return Optional.empty();
      }
      if (decision == TitleVisibility.Decision.PROFILE_REFUSED) {
        call.fail(HttpResponseStatus.FORBIDDEN, decision.metric, "the profile this token names ("
            + claims.profile().orElseThrow() + ") was deleted or is not viewer " + claims.viewer() + "'s; request a"
            + " new token from POST /api/profiles/{id}/token");
        return Optional.empty();
      }
      if (decision != TitleVisibility.Decision.ALLOWED) {
        call.fail(HttpResponseStatus.FORBIDDEN, decision.metric, "title " + claims.titleId() + " is outside what"
            + " this token's viewer may play (" + decision.metric + "); request a token for another title");
        return Optional.empty();
      }
      if (!revocations.allows(claims)) {
        call.fail(HttpResponseStatus.FORBIDDEN, "token_revoked", "this playback token was revoked; request a new"
            + " one");
        return Optional.empty();
      }
      return Optional.of(claims);
    } catch (TokenRejectedException e) {
      String why = e.reason() == TokenRejectedException.Reason.WRONG_TITLE
          ? "the playback token is for another title than " + titleId + "; use the token issued with this title"
          : "the playback token was refused (" + e.reason().tag() + "); request a new one";
      call.fail(HttpResponseStatus.FORBIDDEN, "forbidden", why);
      return Optional.empty();
    }
  }

  /** Whose progress a token reads and writes: the profile's own id when it names one, else the viewer's. */
  static String progressViewer(PlaybackClaims claims) {
    return claims.profile().map(UUID::toString).orElse(claims.viewer());
  }

  private static UUID titleId(ApiCall call, PlaybackClaims claims) {
    UUID id = uuidOrNull(claims.titleId());
    if (id == null) {
      call.fail(HttpResponseStatus.FORBIDDEN, "forbidden", "the playback token names title " + claims.titleId()
          + ", which is not a catalog id; request a token from POST /api/titles/{id}/playback");
    }
    return id;
  }

  // ---- JSON reading

  /** The body as a JSON object; otherwise answers 400 and returns {@code null}. */
  static JsonNode jsonObject(ApiCall call, byte[] requestBody) {
    try {
      JsonNode body = Responses.MAPPER.readTree(requestBody);
      if (body != null && body.isObject()) {
        return body;
      }
    } catch (IOException e) {
      // Answered below with the same message as a body that is not an object.
    }
    call.fail(HttpResponseStatus.BAD_REQUEST, "bad_json", call.describe()
        + ": the body must be a JSON object (Content-Type: application/json)");
    return null;
  }

  private static double number(JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || !value.isNumber()) {
      throw new InvalidValueException(field, value, "must be a number of seconds");
    }
    return value.doubleValue();
  }

  private static String text(JsonNode object, String field) {
    JsonNode value = object.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidValueException(field, value, "must be a string");
    }
    return value.textValue();
  }

  private static Instant instant(JsonNode value, String field) {
    if (value == null || value.isNull()) {
      return Instant.now();
    }
    try {
      return Instant.parse(value.asText());
    } catch (DateTimeParseException e) {
      throw new InvalidValueException(field, value.asText(), "must be an ISO-8601 UTC time such as"
          + " 2026-03-01T12:00:00.000Z");
    }
  }

  private static Instant instantOr(JsonNode value, Instant fallback) {
    return value == null || value.isNull() ? fallback : instant(value, "time");
  }

  private static Map<String, String> attributes(JsonNode value) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (value == null || value.isNull()) {
      return attributes;
    }
    if (!value.isObject()) {
      throw new InvalidValueException("attributes", value.getNodeType(), "must be an object of strings or numbers");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode v = entry.getValue();
      if (!v.isValueNode() || v.isNull()) {
        throw new InvalidValueException("attribute " + entry.getKey(), v.getNodeType(),
            "must be a string or a number");
      }
      attributes.put(entry.getKey(), v.asText());
    }
    return attributes;
  }

  private static int intParameter(ApiCall call, String name, int fallback, int min, int max) {
    String value = call.queryParameter(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Answered below.
    }
    throw new InvalidValueException(name, value, "must be a whole number from " + min + " to " + max);
  }

  // ---- JSON writing

  private static ObjectNode progressJson(WatchProgress progress) {
    return Responses.MAPPER.createObjectNode()
        .put("titleId", progress.titleId().toString())
        .put("positionSeconds", seconds(progress.position()))
        .put("durationSeconds", seconds(progress.duration()))
        .put("completed", progress.completed())
        .put("clientTime", progress.clientTimestamp().toString());
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static Duration secondsDuration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      throw new InvalidValueException("positionSeconds", seconds, "must be a finite number of seconds, 0 or more");
    }
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  private static UUID uuidOrNull(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
