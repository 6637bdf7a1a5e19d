package io.streamkit.core.title;

import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The titles a StreamKit installation knows. Every change is atomic and returns the title as stored afterwards;
 * status changes follow the {@link TitleStatus} workflow even when several processes change the same title.
 *
 * <p>Mutations on an id that is not in the catalog throw {@link UnknownTitleException}; invalid values throw
 * {@link io.streamkit.core.InvalidValueException}.
 *
 * <p>The implementation from {@link io.streamkit.core.store.StreamkitStore#catalog()} is thread-safe and safe to
 * share between processes on one database; database failures surface as
 * {@link io.streamkit.core.store.StoreException}.
 */
public interface Catalog {

  /**
   * Adds a title in status {@link TitleStatus#UPLOADED}, with a new random id.
   *
   * @param name display name, normalised by {@link Title#checkName}
   * @param description longer text, possibly empty, normalised by {@link Title#checkDescription}
   * @return the title as stored
   * @throws io.streamkit.core.InvalidValueException if the name or description breaks its rule
   */
  Title create(String name, String description);

  /**
   * {@return the title with its renditions, or empty if it is not in the catalog}
   *
   * @param id the title's catalog id
   * @throws io.streamkit.core.InvalidValueException if {@code id} is {@code null}
   */
  Optional<Title> get(UUID id);

  /**
   * {@return a page of all titles, newest (by creation) first, each with its renditions}
   *
   * @param page which slice of the list to return
   */
  Page<Title> list(PageRequest page);

  /**
   * {@return a page of the titles in {@code status}, newest (by creation) first, each with its renditions}
   *
   * @param status the status to list
   * @param page which slice of the list to return
   */
  Page<Title> list(TitleStatus status, PageRequest page);

  /**
   * Moves a title along the workflow without a reason; a reason stored with the previous status is cleared. See
   * {@link Title#moveTo(TitleStatus, Instant)}.
   *
   * @param id the title's catalog id
   * @param target the status to move to; not {@link TitleStatus#FAILED}, which goes through {@link #fail}
   * @return the title as stored afterwards
   * @throws IllegalTransitionException if the workflow does not allow the move; the title keeps its status
   * @throws io.streamkit.core.InvalidValueException for {@link TitleStatus#FAILED}
   */
  Title transition(UUID id, TitleStatus target);

  /**
   * Moves a title along the workflow and stores why with it (e.g. a moderator's reason for
   * {@link TitleStatus#REJECTED}, or for taking a title back from {@link TitleStatus#PUBLISHED} to
   * {@link TitleStatus#READY}); the reason stays until the next status change and reads back as
   * {@link Title#statusReasonIfAny()}. See {@link Title#moveTo(TitleStatus, String, Instant)}.
   *
   * @param id the title's catalog id
   * @param target the status to move to; not {@link TitleStatus#FAILED}, which goes through {@link #fail}
   * @param reason one line, 1 to {@link Title#MAX_STATUS_REASON_LENGTH} characters, checked by
   *     {@link Title#checkStatusReason}; {@code null} for none
   * @return the title as stored afterwards
   * @throws IllegalTransitionException if the workflow does not allow the move; the title keeps its status
   * @throws io.streamkit.core.InvalidValueException for a bad reason or {@link TitleStatus#FAILED}; the title keeps
   *     its status
   */
  Title transition(UUID id, TitleStatus target, String reason);

  /**
   * Marks processing as failed with the reason a user will read, stored as the title's status reason; see
   * {@link Title#fail}.
   *
   * @param id the title's catalog id
   * @param errorMessage what went wrong and what to do, 1 to {@link Title#MAX_ERROR_MESSAGE_LENGTH} characters
   * @return the title as stored afterwards, {@link TitleStatus#FAILED}
   * @throws IllegalTransitionException unless the title is {@link TitleStatus#PROCESSING}
   * @throws io.streamkit.core.InvalidValueException if the message is {@code null}, blank or too long
   */
  Title fail(UUID id, String errorMessage);

  /**
   * Records processing progress of a title in {@link TitleStatus#PROCESSING}.
   *
   * @param id the title's catalog id
   * @param percent 0 to 100
   * @return the title as stored afterwards
   * @throws IllegalStateException unless the title is {@link TitleStatus#PROCESSING}
   * @throws io.streamkit.core.InvalidValueException if {@code percent} is out of range
   */
  Title reportProgress(UUID id, int percent);

  /**
   * Records what probing found, in any status.
   *
   * @param id the title's catalog id
   * @param duration the source's duration, 1 ms to {@link Title#MAX_DURATION}
   * @param source the source's container and streams
   * @return the title as stored afterwards
   * @throws io.streamkit.core.InvalidValueException if an argument is {@code null} or the duration out of range
   */
  Title describeSource(UUID id, Duration duration, SourceFacts source);

  /**
   * Replaces the title's renditions, in any status.
   *
   * @param id the title's catalog id
   * @param renditions the packaged variants in ladder order, names unique; empty removes them all
   * @return the title as stored afterwards
   * @throws io.streamkit.core.InvalidValueException if {@code renditions} is {@code null} or names repeat
   */
  Title setRenditions(UUID id, List<Rendition> renditions);

  /**
   * Changes what viewers browse a title by, in any status, atomically: {@code edit} sees the metadata as stored and
   * its result is written in the same transaction, so concurrent edits of different parts do not undo each other.
   *
   * @param id the title's catalog id
   * @param description the new description (normalised by {@link Title#checkDescription}), or {@code null} to keep it
   * @param edit from the stored metadata to the new
   * @return the title as stored afterwards
   * @throws io.streamkit.core.InvalidValueException if the description or the edited metadata break their rules;
   *     nothing is changed
   */
  Title editMetadata(UUID id, String description, UnaryOperator<TitleMetadata> edit);

  /**
   * Searches the titles viewers may play at {@link CatalogQuery#at()}: {@link TitleStatus#PUBLISHED} and inside their
   * availability window, narrowed by the query's category, maturity limit and allowed categories, ranked by how well
   * name and description match its text.
   *
   * @param query what to look for
   * @return the page of results, the total and the counts per category
   */
  CatalogSearchResult search(CatalogQuery query);

  /**
   * Deletes a title with its renditions, watch progress, playback events and ingest jobs. Files on disk are the
   * caller's to remove.
   *
   * @param id the title's catalog id
   * @throws UnknownTitleException if the title is not in the catalog
   */
  void delete(UUID id);
}
