package io.streamkit.core.title;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireMultiLineText;
import static io.streamkit.core.InvalidValueException.requireRange;
import static io.streamkit.core.InvalidValueException.requireSingleLineText;
import static io.streamkit.core.InvalidValueException.requireText;

import io.streamkit.core.InvalidValueException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A video in the catalog, as a {@link Catalog} returns it. Immutable; changes go through the catalog.
 *
 * @param id catalog id
 * @param name display name, 1 to {@link #MAX_NAME_LENGTH} characters, not blank; new titles follow
 *     {@link #checkName}
 * @param description longer text, may be empty, at most {@link #MAX_DESCRIPTION_LENGTH} characters; new titles
 *     follow {@link #checkDescription}
 * @param status where the title is in the {@link TitleStatus} workflow
 * @param duration the source's duration, {@code null} until the source is probed
 * @param source what probing found, {@code null} until the source is probed
 * @param progressPercent processing progress, 0 to 100
 * @param statusReason why the title is in its status, one line: the processing error of a
 *     {@link TitleStatus#FAILED} title, or the reason given with {@link Catalog#transition(UUID, TitleStatus, String)}
 *     (a moderator's reason for {@link TitleStatus#REJECTED}, say); {@code null} when none was given. A status change
 *     replaces it
 * @param renditions packaged variants, in ladder order
 * @param createdAt when the title was created
 * @param updatedAt when the title last changed
 * @param metadata what viewers browse the title by (categories, rating, availability window); {@link
 *     TitleMetadata#NONE} for a new title
 */
public record Title(
    UUID id,
    String name,
    String description,
    TitleStatus status,
    Duration duration,
    SourceFacts source,
    int progressPercent,
    String statusReason,
    List<Rendition> renditions,
    Instant createdAt,
    Instant updatedAt,
    TitleMetadata metadata) {

  /** The longest title name, in characters. */
  public static final int MAX_NAME_LENGTH = 200;
  /** The longest description, in characters. */
  public static final int MAX_DESCRIPTION_LENGTH = 5_000;
  /** The longest processing error message, in characters; also the most a stored status reason may hold. */
  public static final int MAX_ERROR_MESSAGE_LENGTH = 2_000;
  /** The longest reason given with a status change; error messages may take {@link #MAX_ERROR_MESSAGE_LENGTH}. */
  public static final int MAX_STATUS_REASON_LENGTH = 1_000;
  /** Twenty-four hours; longer sources are almost certainly a mistake (a live capture left running). */
  public static final Duration MAX_DURATION = Duration.ofHours(24);

  /**
   * Checks every component (the looser limits of stored titles: new names and descriptions go through
   * {@link #uploaded}), copies the renditions and truncates the times to the millisecond.
   *
   * @param id catalog id
   * @param name display name, not blank, at most {@link #MAX_NAME_LENGTH} characters
   * @param description longer text, may be empty, at most {@link #MAX_DESCRIPTION_LENGTH} characters
   * @param status where the title is in the workflow
   * @param duration the source's duration, 1 ms to {@link #MAX_DURATION}, or {@code null} until probed
   * @param source what probing found, or {@code null} until probed
   * @param progressPercent processing progress, 0 to 100
   * @param statusReason why the title is in its status, not blank and at most {@link #MAX_ERROR_MESSAGE_LENGTH}
   *     characters, or {@code null}
   * @param renditions packaged variants in ladder order, names unique
   * @param createdAt when the title was created
   * @param updatedAt when the title last changed
   * @param metadata categories, rating, availability window and regions
   * @throws InvalidValueException naming the first component that breaks its rule
   */
  public Title {
    requireNonNull("title id", id);
    requireText("title name", name, MAX_NAME_LENGTH);
    requireNonNull("title description", description);
    if (description.length() > MAX_DESCRIPTION_LENGTH) {
      throw new InvalidValueException("title description", description.length() + " characters",
          "must be at most " + MAX_DESCRIPTION_LENGTH + " characters");
    }
    requireNonNull("title status", status);
    if (duration != null) {
      requireRange("title duration", duration, Duration.ofMillis(1), MAX_DURATION);
    }
    requireRange("progressPercent", progressPercent, 0, 100);
    if (statusReason != null) {
      requireText("status reason", statusReason, MAX_ERROR_MESSAGE_LENGTH);
    }
    renditions = List.copyOf(requireNonNull("title renditions", renditions));
    if (renditions.stream().map(Rendition::name).distinct().count() != renditions.size()) {
      throw new InvalidValueException("title renditions", renditions, "must have unique names");
    }
    createdAt = requireNonNull("title createdAt", createdAt).truncatedTo(ChronoUnit.MILLIS);
    updatedAt = requireNonNull("title updatedAt", updatedAt).truncatedTo(ChronoUnit.MILLIS);
    requireNonNull("title metadata", metadata);
  }

  /** {@return the source's duration, once the source is probed} */
  public Optional<Duration> durationIfKnown() {
    return Optional.ofNullable(duration);
  }

  /** {@return what probing found in the source, once it is probed} */
  public Optional<SourceFacts> sourceIfKnown() {
    return Optional.ofNullable(source);
  }

  /**
   * {@return whether the title is packaged and audio only (its source had no video, e.g. a podcast episode): it has
   * renditions and none has a picture, so there is no poster or storyboard to show}
   */
  public boolean audioOnly() {
    return !renditions.isEmpty() && renditions.stream().allMatch(Rendition::audioOnly);
  }

  /** {@return why the title is in its status, when a reason was given; see {@code statusReason} above} */
  public Optional<String> statusReasonIfAny() {
    return Optional.ofNullable(statusReason);
  }

  /** {@return why processing failed; {@code null} unless the status is {@link TitleStatus#FAILED}} */
  public String errorMessage() {
    return status == TitleStatus.FAILED ? statusReason : null;
  }

  /** {@return why processing failed, if the status is {@link TitleStatus#FAILED}} */
  public Optional<String> errorMessageIfFailed() {
    return Optional.ofNullable(errorMessage());
  }

  /**
   * A title name as it will be stored: trimmed, 1 to {@link #MAX_NAME_LENGTH} characters, one line without control
   * characters. Call it before accepting an upload, so that a bad name is refused before any bytes are taken.
   *
   * @param name the name as the user typed it
   * @return the trimmed name
   * @throws InvalidValueException naming {@code title name}, and the code point and position of a bad character
   */
  public static String checkName(String name) {
    return requireSingleLineText("title name", name, MAX_NAME_LENGTH);
  }

  /**
   * A title description as it will be stored: line breaks normalised to {@code \n}, trimmed, at most
   * {@link #MAX_DESCRIPTION_LENGTH} characters, possibly empty; line feeds and tabs are the only control characters
   * allowed. Call it before accepting an upload, like {@link #checkName}.
   *
   * @param description the description as the user typed it
   * @return the normalised description
   * @throws InvalidValueException naming {@code title description}, and the code point and position of a bad
   *     character
   */
  public static String checkDescription(String description) {
    return requireMultiLineText("title description", description, MAX_DESCRIPTION_LENGTH);
  }

  /**
   * A reason for a status change as it will be stored: trimmed, 1 to {@link #MAX_STATUS_REASON_LENGTH} characters,
   * one line without control characters.
   *
   * @param reason the reason as the user typed it
   * @return the trimmed reason
   * @throws InvalidValueException naming {@code status reason}, and the code point and position of a bad character
   */
  public static String checkStatusReason(String reason) {
    return requireSingleLineText("status reason", reason, MAX_STATUS_REASON_LENGTH);
  }

  /**
   * A new title as uploaded: status {@link TitleStatus#UPLOADED}, nothing probed, no renditions; name and description
   * normalised by {@link #checkName} and {@link #checkDescription}.
   *
   * @param id the new title's catalog id
   * @param name display name as the user typed it
   * @param description longer text as the user typed it, possibly empty
   * @param now the creation time, also its last change
   * @return the new title, not yet stored
   * @throws InvalidValueException if the name or description breaks those rules
   */
  public static Title uploaded(UUID id, String name, String description, Instant now) {
    return new Title(id, checkName(name), checkDescription(description), TitleStatus.UPLOADED, null, null, 0, null,
        List.of(), now, now, TitleMetadata.NONE);
  }

  /**
   * This title moved to {@code target} without a reason; see {@link #moveTo(TitleStatus, String, Instant)}.
   *
   * @param target the status to move to
   * @param now the time of the change
   * @return the moved title; this one is unchanged
   * @throws IllegalTransitionException if the workflow does not allow the move
   * @throws InvalidValueException for {@link TitleStatus#FAILED} (use {@link #fail})
   */
  public Title moveTo(TitleStatus target, Instant now) {
    return moveTo(target, null, now);
  }

  /**
   * This title moved to {@code target}, keeping {@code reason} (checked by {@link #checkStatusReason}) until the
   * next status change. Entering {@link TitleStatus#PROCESSING} resets progress and clears a previous error; entering
   * {@link TitleStatus#READY} sets progress to 100.
   *
   * @param target the status to move to
   * @param reason why, e.g. a moderator's reason for {@link TitleStatus#REJECTED}; {@code null} for none
   * @param now the time of the change
   * @return the moved title; this one is unchanged
   * @throws IllegalTransitionException if the workflow does not allow the move
   * @throws InvalidValueException for {@link TitleStatus#FAILED} (use {@link #fail}) or a bad reason
   */
  public Title moveTo(TitleStatus target, String reason, Instant now) {
    requireNonNull("target status", target);
    if (target == TitleStatus.FAILED) {
      throw new InvalidValueException("target status", target, "needs an error message; use fail(errorMessage)");
    }
    String checkedReason = reason == null ? null : checkStatusReason(reason);
    status.checkMoveTo(target, id);
    int percent = switch (target) {
      case PROCESSING -> 0;
      case READY -> 100;
      default -> progressPercent;
    };
    return new Title(id, name, description, target, duration, source, percent, checkedReason, renditions, createdAt,
        now, metadata);
  }

  /**
   * This title moved to {@link TitleStatus#FAILED}, keeping why as its status reason. Progress stays where it was.
   *
   * @param errorMessage what went wrong and what to do, not blank, at most {@link #MAX_ERROR_MESSAGE_LENGTH}
   *     characters
   * @param now the time of the change
   * @return the failed title; this one is unchanged
   * @throws IllegalTransitionException unless the title is {@link TitleStatus#PROCESSING}
   * @throws InvalidValueException if the message is {@code null}, blank or too long
   */
  public Title fail(String errorMessage, Instant now) {
    requireText("errorMessage", errorMessage, MAX_ERROR_MESSAGE_LENGTH);
    status.checkMoveTo(TitleStatus.FAILED, id);
    return new Title(id, name, description, TitleStatus.FAILED, duration, source, progressPercent, errorMessage,
        renditions, createdAt, now, metadata);
  }

  /**
   * This title with processing progress {@code percent}.
   *
   * @param percent 0 to 100
   * @param now the time of the change
   * @return the changed title; this one is unchanged
   * @throws IllegalStateException unless the title is {@link TitleStatus#PROCESSING}
   * @throws InvalidValueException if {@code percent} is out of range
   */
  public Title withProgressPercent(int percent, Instant now) {
    if (status != TitleStatus.PROCESSING) {
      throw new IllegalStateException("title " + id + " is " + status
          + "; progress can only be reported while it is PROCESSING");
    }
    return new Title(id, name, description, status, duration, source, percent, statusReason, renditions, createdAt,
        now, metadata);
  }

  /**
   * This title with probed source facts.
   *
   * @param duration the source's duration, 1 ms to {@link #MAX_DURATION}
   * @param source what probing found
   * @param now the time of the change
   * @return the changed title; this one is unchanged
   * @throws InvalidValueException if an argument is {@code null} or the duration out of range
   */
  public Title withSource(Duration duration, SourceFacts source, Instant now) {
    requireNonNull("title duration", duration);
    requireNonNull("title source", source);
    return new Title(id, name, description, status, duration, source, progressPercent, statusReason, renditions,
        createdAt, now, metadata);
  }

  /**
   * This title with another description and other metadata; its status and media are unchanged.
   *
   * @param description the new description, normalised by {@link #checkDescription}; {@code null} keeps this one
   * @param metadata the new metadata
   * @param now the time of the change
   * @return the changed title; this one is unchanged
   * @throws InvalidValueException if the description breaks its rules or {@code metadata} is {@code null}
   */
  public Title withMetadata(String description, TitleMetadata metadata, Instant now) {
    return new Title(id, name, description == null ? this.description : checkDescription(description), status,
        duration, source, progressPercent,
        statusReason, renditions, createdAt, now, metadata);
  }

  /**
   * {@return whether viewers may play the title at {@code instant}: it is {@link TitleStatus#PUBLISHED} and inside
   * its availability window}
   *
   * @param instant the time of the request
   */
  public boolean playableAt(Instant instant) {
    return status == TitleStatus.PUBLISHED && metadata.availableAt(instant);
  }

  /**
   * This title with its packaged renditions replaced.
   *
   * @param renditions the packaged variants in ladder order, names unique
   * @param now the time of the change
   * @return the changed title; this one is unchanged
   * @throws InvalidValueException if {@code renditions} is {@code null} or names repeat
   */
  public Title withRenditions(List<Rendition> renditions, Instant now) {
    return new Title(id, name, description, status, duration, source, progressPercent, statusReason, renditions,
        createdAt, now, metadata);
  }
}
