package io.streamkit.core.title;

import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The titles a StreamKit installation knows. Every change is atomic and returns the title as stored afterwards;
 * status changes follow the {@link TitleStatus} workflow even when several processes change the same title.
 *
 * <p>Mutations on an id that is not in the catalog throw {@link UnknownTitleException}; invalid values throw
 * {@link io.streamkit.core.InvalidValueException}.
 */
public interface Catalog {

  /** Adds a title in status {@link TitleStatus#UPLOADED}. */
  Title create(String name, String description);

  Optional<Title> get(UUID id);

  /** Titles newest first. */
  Page<Title> list(PageRequest page);

  /** Titles in {@code status}, newest first. */
  Page<Title> list(TitleStatus status, PageRequest page);

  /**
   * Moves a title along the workflow without a reason; a reason stored with the previous status is cleared. See
   * {@link Title#moveTo(TitleStatus, Instant)}.
   *
   * @throws IllegalTransitionException if the workflow does not allow the move; the title keeps its status
   */
  Title transition(UUID id, TitleStatus target);

  /**
   * Moves a title along the workflow and stores why with it (e.g. a moderator's reason for
   * {@link TitleStatus#REJECTED}, or for taking a title back from {@link TitleStatus#PUBLISHED} to
   * {@link TitleStatus#READY}); the reason stays until the next status change and reads back as
   * {@link Title#statusReasonIfAny()}. See {@link Title#moveTo(TitleStatus, String, Instant)}.
   *
   * @param reason one line, 1 to {@link Title#MAX_STATUS_REASON_LENGTH} characters, checked by
   *     {@link Title#checkStatusReason}; {@code null} for none
   * @throws IllegalTransitionException if the workflow does not allow the move; the title keeps its status
   * @throws io.streamkit.core.InvalidValueException for a bad reason; the title keeps its status
   */
  Title transition(UUID id, TitleStatus target, String reason);

  /**
   * Marks processing as failed with the reason a user will read, stored as the title's status reason; see
   * {@link Title#fail}.
   */
  Title fail(UUID id, String errorMessage);

  /** Records processing progress of a title in {@link TitleStatus#PROCESSING}. */
  Title reportProgress(UUID id, int percent);

  /** Records what probing found. */
  Title describeSource(UUID id, Duration duration, SourceFacts source);

  /** Replaces the title's renditions, in ladder order. */
  Title setRenditions(UUID id, List<Rendition> renditions);

  /** Deletes a title with its renditions, watch progress and playback events. */
  void delete(UUID id);
}
