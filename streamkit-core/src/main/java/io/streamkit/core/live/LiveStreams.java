package io.streamkit.core.live;

import io.streamkit.core.Page;
import io.streamkit.core.PageRequest;
import java.time.Instant;
import java.util.Optional;

/**
 * The live streams an installation knows, and which of them is on air. Every ingest node shares them through the
 * database: {@link #markLive} is a compare-and-set, so when two nodes accept a publisher for the same stream at once,
 * exactly one of them goes on.
 *
 * <p>A stream key is 32 random bytes (256 bits) from {@link java.security.SecureRandom}, Base64url without padding.
 * The store keeps only its SHA-256 and looks a presented key up by that hash: the database never holds a key an
 * attacker could replay, and the comparison happens between hashes, so its timing says nothing useful about the
 * key. A key this random needs no salt or slow hash; guessing one is as hard as finding a SHA-256 preimage.
 *
 * <p>Operations on an id that is not stored throw {@link UnknownLiveStreamException} unless they document otherwise;
 * invalid values throw {@link io.streamkit.core.InvalidValueException}. The implementation from
 * {@link io.streamkit.core.store.StreamkitStore#liveStreams()} is thread-safe; database failures surface as
 * {@link io.streamkit.core.store.StoreException}.
 */
public interface LiveStreams {

  /**
   * Adds a stream in status {@link LiveStatus#IDLE}, with a new random id and stream key.
   *
   * @param name display name, normalised by {@link LiveStream#checkName}
   * @return the stream as stored and its key in clear, which cannot be read again
   * @throws io.streamkit.core.InvalidValueException if the name breaks its rule
   */
  CreatedLiveStream create(String name);

  /**
   * {@return the stream, or empty if no stream has this id}
   *
   * @param id the stream's id; anything that is not a stored id finds nothing
   */
  Optional<LiveStream> find(String id);

  /**
   * {@return one page of every stream, newest first}
   *
   * @param page which slice
   * @throws io.streamkit.core.InvalidValueException if {@code page} is {@code null}
   */
  Page<LiveStream> list(PageRequest page);

  /**
   * {@return the stream whose current key this is, or empty} A key replaced by {@link #rotateKey} finds nothing.
   *
   * @param streamKey the key a publisher presented; {@code null} or malformed finds nothing
   */
  Optional<LiveStream> findByStreamKey(String streamKey);

  /**
   * Replaces the stream's key; the old one stops opening the stream at once (a publisher already on air keeps
   * going).
   *
   * @param id the stream's id
   * @return the new key in clear, which cannot be read again
   * @throws UnknownLiveStreamException if no stream has this id
   */
  String rotateKey(String id);

  /**
   * Removes the stream; its key stops working. A title its events became stays in the catalog.
   *
   * @param id the stream's id
   * @return whether a stream was removed
   */
  boolean delete(String id);

  /**
   * Atomically moves the stream from {@link LiveStatus#IDLE} or {@link LiveStatus#ENDED} to {@link LiveStatus#LIVE}:
   * sets {@code startedAt}, clears {@code endedAt}, keeps the last event's recording.
   *
   * @param id the stream's id
   * @param at when the publisher started
   * @return {@code true} if this call put the stream on air; {@code false} if it was already live (another
   *     publisher, maybe on another node, holds it)
   * @throws UnknownLiveStreamException if no stream has this id
   * @throws io.streamkit.core.InvalidValueException if {@code at} is {@code null}
   */
  boolean markLive(String id, Instant at);

  /**
   * Ends the stream's event: {@link LiveStatus#LIVE} to {@link LiveStatus#ENDED}, setting {@code endedAt} and the
   * title it became.
   *
   * @param id the stream's id
   * @param at when the event ended
   * @param recordingTitleId the catalog title (a UUID) the event became, or {@code null} if it was not recorded
   * @throws UnknownLiveStreamException if no stream has this id
   * @throws io.streamkit.core.title.UnknownTitleException if the catalog has no such title
   * @throws io.streamkit.core.InvalidValueException if {@code at} is {@code null} or the title id is not a UUID
   * @throws IllegalStateException if the stream is not live; it keeps its status
   */
  void markEnded(String id, Instant at, String recordingTitleId);

  /**
   * Takes the stream off air without an event: {@link LiveStatus#LIVE} to {@link LiveStatus#IDLE} (a node shutting
   * down, a publisher gone before any media). A stream that is not live is left as it is, so shutdown paths may call
   * it unconditionally.
   *
   * @param id the stream's id
   * @throws UnknownLiveStreamException if no stream has this id
   */
  void markIdle(String id);
}
