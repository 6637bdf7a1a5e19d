package io.streamkit.server.live;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Where a finished live event's recording goes: admitted like an upload, so that it is transcoded, reviewed and
 * published as any other title.
 */
@FunctionalInterface
public interface LiveRecordings {

  /**
   * Takes {@code source}, an MP4 file of the recording that the callee may move or delete, as a new title.
   *
   * @param source the recording, one MP4 file
   * @param name the new title's name
   * @return the new title's id
   * @throws Exception if the recording could not be admitted; the event's recording directory is then kept
   */
  UUID admit(Path source, String name) throws Exception;
}
