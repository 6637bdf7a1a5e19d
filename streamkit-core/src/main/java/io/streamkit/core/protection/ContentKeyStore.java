package io.streamkit.core.protection;

import java.util.List;
import java.util.Optional;

/**
 * Where a title's content keys are kept, apart from its media: in the database wrapped under a master key
 * ({@code StreamkitStore.contentKeys}), or for a standalone origin in a {@link ContentKeyFile}. The origin asks it
 * for one key per key request; implementations are thread-safe.
 */
public interface ContentKeyStore {

  /**
   * Keeps a title's keys; keys kept before (a title's earlier version, still being watched) stay until the title is
   * deleted. Saving a key already kept for the title does nothing.
   *
   * @param titleId the title the keys encrypt
   * @param keys the keys, as the transcode returned them
   * @throws ContentKeyException if they cannot be kept
   */
  void save(String titleId, List<ContentKey> keys);

  /**
   * A key of a title.
   *
   * @param titleId the title in the key's URI
   * @param keyId the key id in the key's URI
   * @return the key, or empty when the title has no key of that id
   * @throws ContentKeyException if the key is kept but cannot be recovered
   */
  Optional<ContentKey> find(String titleId, String keyId);

  /**
   * Forgets every key of a title, once the title itself is gone.
   *
   * @param titleId the title
   */
  void delete(String titleId);

  /** {@return where the keys are kept, for the log; never a key} */
  String describe();
}
