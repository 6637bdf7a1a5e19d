package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamkit.core.title.Rendition;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleMetadata;

/** The Title representation of the platform API (see {@code docs/openapi.yaml}, schema {@code Title}). */
final class TitleJson {

  private TitleJson() {}

  static ObjectNode of(Title title) {
    ObjectNode node = Responses.MAPPER.createObjectNode();
    String id = title.id().toString();
    node.put("id", id);
    node.put("name", title.name());
    node.put("description", title.description());
    node.put("status", title.status().name());
    node.put("progressPercent", switch (title.status()) {
      case UPLOADED -> 0;
      case READY, PUBLISHED -> 100;
      case PROCESSING, FAILED, REJECTED -> title.progressPercent();
    });
    if (title.errorMessage() == null) {
      node.putNull("errorMessage");
    } else {
      node.put("errorMessage", title.errorMessage());
    }
    node.put("statusReason", title.statusReasonIfAny().orElse(null));
    if (title.duration() == null) {
      node.putNull("durationSeconds");
    } else {
      node.put("durationSeconds", title.duration().toMillis() / 1000.0);
    }
    TitleMetadata m = title.metadata();
    m.categories().forEach(node.putArray("categories")::add);
    node.put("releaseYear", m.releaseYear());
    node.put("maturityRating", m.maturityRating() == null ? null : m.maturityRating().label());
    node.put("availableFrom", m.availableFrom() == null ? null : m.availableFrom().toString());
    node.put("availableUntil", m.availableUntil() == null ? null : m.availableUntil().toString());
    m.regions().forEach(node.putArray("regions")::add);
    node.put("createdAt", title.createdAt().toString());
    node.put("updatedAt", title.updatedAt().toString());
    ArrayNode renditions = node.putArray("renditions");
    for (Rendition r : title.renditions()) {
      renditions.addObject()
          .put("name", r.name())
          .put("width", r.width())
          .put("height", r.height())
          .put("peakBitrate", r.peakBitrate())
          .put("averageBitrate", r.averageBitrate())
          .put("codecs", r.codecs())
          .put("frameRate", r.frameRate());
    }
    node.put("masterPath", "/titles/" + id + "/master.m3u8");
    // An audio-only title has no picture to show, so no poster.
    node.put("posterPath", title.audioOnly() ? null : "/titles/" + id + "/poster.jpg");
    return node;
  }
}
