package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.analytics.AnalyticsMetric;
import io.streamkit.core.analytics.AnalyticsRange;
import io.streamkit.core.analytics.AnalyticsRollups;
import io.streamkit.core.analytics.AnalyticsSeries;
import io.streamkit.core.analytics.ClientBreakdown;
import io.streamkit.core.store.StreamkitStore;
import io.streamkit.core.title.UnknownTitleException;
import java.util.UUID;

/**
 * Analytics over time, read from the hourly rollups ({@link AnalyticsRollups}), for admins:
 * <pre>
 *  GET /api/analytics/series?metric=&amp;range=24h|7d|30d[&amp;title=]   one measure, hourly or daily
 *  GET /api/analytics/top?range=24h|7d|30d[&amp;limit=]                  most played titles
 *  GET /api/analytics/devices?range=24h|7d|30d[&amp;title=]              by device class, browser, OS
 * </pre>
 * They count the events folded so far; each series and breakdown carries {@code foldedAt}. The summaries of
 * {@code GET /api/analytics} and {@code GET /api/titles/{id}/analytics} stay with {@link ViewerEndpoints}.
 */
final class AnalyticsEndpoints implements ApiEndpoints {

  static final String SERIES = "series";
  static final String TOP = "top";
  static final String DEVICES = "devices";
  static final int DEFAULT_TOP_TITLES = 10;

  private final AnalyticsRollups rollups;
  private final ManagementAccess access;

  AnalyticsEndpoints(StreamkitStore store, ManagementAccess access) {
    this.rollups = AnalyticsRollups.builder(store).build();
    this.access = access;
  }

  @Override
  public ApiExchange open(ApiCall call) {
    if (call.size() != 2 || !call.segment(0).equals(ViewerEndpoints.ANALYTICS)
        || !(call.segment(1).equals(SERIES) || call.segment(1).equals(TOP) || call.segment(1).equals(DEVICES))) {
      return null;
    }
    return access.guard(call, ManagementAccess.Permission.ADMIN, () -> {
      if (!call.method().equals(HttpMethod.GET)) {
        throw ApiException.methodNotAllowed(call.method() + " is not served at " + call.describe() + "; use GET",
            "GET");
      }
      AnalyticsRange range = parse(call, () -> AnalyticsRange.fromWireName(orDefault(call, "range", "24h")));
      if (call.segment(1).equals(TOP)) {
        int limit = ManagementEndpoints.intParameter(call, "limit", DEFAULT_TOP_TITLES, 1,
            AnalyticsRollups.MAX_TOP_TITLES);
        return ApiExchange.withoutBody(() -> call.respond(HttpResponseStatus.OK, rollups.topTitles(range, limit)));
      }
      if (call.segment(1).equals(DEVICES)) {
        UUID titleId = titleParameter(call, "title");
        return ApiExchange.withoutBody(() -> {
          try {
            call.respond(HttpResponseStatus.OK, json(rollups.clients(range, titleId)));
          } catch (UnknownTitleException e) {
            call.fail(HttpResponseStatus.NOT_FOUND, "unknown_title", call.describe() + ": title " + titleId
                + " is not in the catalog; list titles with GET /api/titles");
          }
        });
      }
      AnalyticsMetric metric = parse(call, () -> AnalyticsMetric.fromWireName(orDefault(call, "metric", "plays")));
      UUID titleId = titleParameter(call, "title");
      return ApiExchange.withoutBody(() -> {
        try {
          call.respond(HttpResponseStatus.OK, json(rollups.series(metric, range, titleId)));
        } catch (UnknownTitleException e) {
          call.fail(HttpResponseStatus.NOT_FOUND, "unknown_title", call.describe() + ": title " + titleId
              + " is not in the catalog; list titles with GET /api/titles");
        }
      });
    });
  }

  /** The series with its instants as ISO-8601 text, as the origin writes every instant. */
  private static ObjectNode json(AnalyticsSeries series) {
    ObjectNode body = Responses.MAPPER.createObjectNode().put("metric", series.metric()).put("range", series.range())
        .put("titleId", series.titleId() == null ? null : series.titleId().toString());
    ArrayNode points = body.putArray("points");
    for (AnalyticsSeries.Point point : series.points()) {
      points.addObject().put("start", point.start().toString()).putPOJO("value", point.value());
    }
    body.putPOJO("total", series.total());
    body.put("foldedAt", series.foldedAt() == null ? null : series.foldedAt().toString());
    return body;
  }

  /** The breakdown with its instant as ISO-8601 text, as the origin writes every instant. */
  private static ObjectNode json(ClientBreakdown breakdown) {
    ObjectNode body = Responses.MAPPER.createObjectNode().put("range", breakdown.range())
        .put("titleId", breakdown.titleId() == null ? null : breakdown.titleId().toString());
    body.putPOJO("devices", breakdown.devices());
    body.putPOJO("browsers", breakdown.browsers());
    body.putPOJO("operatingSystems", breakdown.operatingSystems());
    body.put("foldedAt", breakdown.foldedAt() == null ? null : breakdown.foldedAt().toString());
    return body;
  }

  private static UUID titleParameter(ApiCall call, String name) {
    String title = call.queryParameter(name);
    return title == null || title.isEmpty() ? null : parse(call, () -> uuid(name, title));
  }

  @FunctionalInterface
  private interface Parse<T> {
    T run();
  }

  private static <T> T parse(ApiCall call, Parse<T> parse) {
    try {
      return parse.run();
    } catch (InvalidValueException e) {
      throw ApiException.badRequest(call.describe() + ": " + LogText.escape(e.getMessage()));
    }
  }

  private static String orDefault(ApiCall call, String name, String fallback) {
    String value = call.queryParameter(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static UUID uuid(String name, String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidValueException(name, text, "must be a title id (a UUID) from GET /api/titles");
    }
  }
}
