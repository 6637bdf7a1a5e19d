package io.streamkit.core.live;

import static io.streamkit.core.InvalidValueException.requireNonNull;
import static io.streamkit.core.InvalidValueException.requireSingleLineText;
import static io.streamkit.core.InvalidValueException.requireText;

import io.streamkit.core.InvalidValueException;
import io.streamkit.core.title.Title;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A live stream as {@link LiveStreams} returns it. Immutable; changes go through the store. The times describe the
 * stream's last event; the stream key is not here, since the store keeps only its hash.
 *
 * @param id the stream's id, a random UUID like a title's
 * @param name display name, 1 to {@link #MAX_NAME_LENGTH} characters; new streams follow {@link #checkName}
 * @param status where the stream is
 * @param createdAt when the stream was created
 * @param startedAt when the stream last went {@link LiveStatus#LIVE}; {@code null} if it never did
 * @param endedAt when the last event ended; {@code null} while live, and if no event has ended yet
 * @param recordingTitleId the catalog title the last ended event became; {@code null} if none did (or it was deleted)
 */
public record LiveStream(String id, String name, LiveStatus status, Instant createdAt, Instant startedAt,
    Instant endedAt, String recordingTitleId) {

  /** The longest name, in characters: the same limit as a title's, since an event becomes a title. */
  public static final int MAX_NAME_LENGTH = Title.MAX_NAME_LENGTH;

  /**
   * Checks the components (the looser rule of stored names: new names go through {@link #checkName}) and truncates
   * the times to the millisecond, as stored.
   *
   * @param id the stream's id
   * @param name display name, not blank, at most {@link #MAX_NAME_LENGTH} characters
   * @param status where the stream is
   * @param createdAt when the stream was created
   * @param startedAt when it last went live, or {@code null}; required while {@link LiveStatus#LIVE}
   * @param endedAt when its last event ended, or {@code null}; required when {@link LiveStatus#ENDED}
   * @param recordingTitleId the title the last event became, or {@code null}
   * @throws InvalidValueException naming the first component that breaks its rule
   */
  public LiveStream {
    requireNonNull("live stream id", id);
    requireText("live stream name", name, MAX_NAME_LENGTH);
    requireNonNull("live stream status", status);
    createdAt = requireNonNull("live stream createdAt", createdAt).truncatedTo(ChronoUnit.MILLIS);
    if (status == LiveStatus.LIVE) {
      requireNonNull("startedAt of a LIVE stream", startedAt);
    }
    if (status == LiveStatus.ENDED) {
      requireNonNull("endedAt of an ENDED stream", endedAt);
    }
    startedAt = startedAt == null ? null : startedAt.truncatedTo(ChronoUnit.MILLIS);
    endedAt = endedAt == null ? null : endedAt.truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * A live stream name as it will be stored: trimmed, 1 to {@link #MAX_NAME_LENGTH} characters, one line without
   * control characters, by the rule title names follow ({@link Title#checkName}).
   *
   * @param name the name as the user typed it
   * @return the trimmed name
   * @throws InvalidValueException naming {@code live stream name}, and the code point and position of a bad
   *     character
   */
  public static String checkName(String name) {
    return requireSingleLineText("live stream name", name, MAX_NAME_LENGTH);
  }
}
