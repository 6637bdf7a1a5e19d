package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamkit.core.InvalidValueException;
import io.streamkit.core.title.MaturityRating;
import io.streamkit.core.title.Title;
import io.streamkit.core.title.TitleMetadata;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The body of {@code PATCH /api/titles/{id}} read as a JSON merge patch (RFC 7396): a member present changes that
 * part, {@code null} clears it, a member absent leaves it. Every member is checked before the catalog is touched, so a
 * bad one answers 400 naming it and nothing changes; the window's order ({@code availableUntil} after
 * {@code availableFrom}) is checked against the stored other end when the edit is applied.
 *
 * @param description the new description, or {@code null} to keep it
 * @param edit from the stored metadata to the patched
 */
record TitleMetadataPatch(String description, UnaryOperator<TitleMetadata> edit) {

  static final Set<String> MEMBERS = Set.of("description", "categories", "releaseYear", "maturityRating",
      "availableFrom", "availableUntil", "regions");

  /**
   * Reads a patch.
   *
   * @throws ApiException 400 naming the first member that is unknown or of the wrong kind
   */
  static TitleMetadataPatch read(JsonNode body) {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!MEMBERS.contains(name)) {
        throw ApiException.badRequest("PATCH body member '" + LogText.escape(name) + "' is not editable; send any of "
            + MEMBERS.stream().sorted().toList());
      }
    }
    if (body.isEmpty()) {
      throw ApiException.badRequest("the PATCH body changes nothing; send at least one of "
          + MEMBERS.stream().sorted().toList());
    }
    String description = null;
    if (body.has("description")) {
      JsonNode node = body.get("description");
      if (!node.isTextual() && !node.isNull()) {
        throw ApiException.badRequest("description must be a string (empty or null for none)");
      }
      description = Title.checkDescription(node.isNull() ? "" : node.textValue());
    }
    UnaryOperator<TitleMetadata> edit = UnaryOperator.identity();
    if (body.has("categories")) {
      List<String> categories = strings(body.get("categories"), "categories", "[\"documentary\", \"nature\"]");
      edit = then(edit, m -> m.withCategories(categories));
    }
    if (body.has("regions")) {
      List<String> regions = strings(body.get("regions"), "regions", "[\"US\", \"DE\"]");
      edit = then(edit, m -> m.withRegions(regions));
    }
    if (body.has("releaseYear")) {
      JsonNode node = body.get("releaseYear");
      if (!node.isNull() && !node.canConvertToInt()) {
        throw ApiException.badRequest("releaseYear must be a whole number such as 2019, or null; got " + node);
      }
      Integer year = node.isNull() ? null : node.intValue();
      edit = then(edit, m -> m.withReleaseYear(year));
    }
    if (body.has("maturityRating")) {
      JsonNode node = body.get("maturityRating");
      MaturityRating rating;
      if (node.isNull()) {
        rating = null;
      } else if (node.isTextual()) {
        rating = MaturityRating.fromLabel("maturityRating", node.textValue());
      } else {
        throw new InvalidValueException("maturityRating", node, "must be one of " + MaturityRating.labels()
            + " or null");
      }
      edit = then(edit, m -> m.withMaturityRating(rating));
    }
    if (body.has("availableFrom") || body.has("availableUntil")) {
      boolean setFrom = body.has("availableFrom");
      boolean setUntil = body.has("availableUntil");
      Instant from = setFrom ? instant(body.get("availableFrom"), "availableFrom") : null;
      Instant until = setUntil ? instant(body.get("availableUntil"), "availableUntil") : null;
      edit = then(edit, m -> m.withAvailability(setFrom ? from : m.availableFrom(),
          setUntil ? until : m.availableUntil()));
    }
    // Checked now against empty metadata too, so a bad slug or year answers 400 before the database is asked.
    edit.apply(TitleMetadata.NONE);
    return new TitleMetadataPatch(description, edit);
  }

  private static UnaryOperator<TitleMetadata> then(UnaryOperator<TitleMetadata> first,
      UnaryOperator<TitleMetadata> next) {
    return m -> next.apply(first.apply(m));
  }

  private static List<String> strings(JsonNode node, String member, String example) {
    if (node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw ApiException.badRequest(member + " must be an array of strings such as " + example + ", or null");
    }
    List<String> values = new ArrayList<>();
    for (JsonNode value : node) {
      if (!value.isTextual()) {
        throw ApiException.badRequest(member + " must be an array of strings such as " + example + "; got "
            + LogText.escape(value.toString()));
      }
      values.add(value.textValue());
    }
    return values;
  }

  private static Instant instant(JsonNode node, String member) {
    if (node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      try {
        return Instant.parse(node.textValue());
      } catch (DateTimeParseException e) {
        // answered below
      }
    }
    throw ApiException.badRequest(member + " must be an ISO-8601 UTC time such as 2026-07-01T00:00:00Z, or null;"
        + " got " + LogText.escape(node.toString()));
  }
}
