package io.streamkit.server.live.rtmp;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The application's side of RTMP ingest: who may publish, and what becomes of an accepted publication.
 *
 * <p>Both methods run on the connection's event loop and must not block: a catalog lookup runs on a thread of the
 * application's own and completes the returned stage (the connection reads nothing meanwhile), and the media is read
 * on a thread of the application's own.
 */
public interface RtmpPublishers {

  /**
   * Decides, when a publisher sends {@code publish}, whether it may publish. Called only for a stream key that is not
   * already publishing on this server (a second publisher on a live key is refused before this is asked).
   *
   * @param app the application name from {@code connect}, {@code live} in {@code rtmp://host/live/KEY}
   * @param streamKey the stream key from {@code publish}, as sent (including any {@code ?query})
   * @param client the publisher's address
   * @return completes with a reason to refuse, sent to the publisher and logged, or {@link Optional#empty()} to
   *     accept; a stage that fails refuses
   */
  CompletionStage<Optional<String>> authorize(String app, String streamKey, InetSocketAddress client);

  /**
   * An accepted publication has started. Read {@link RtmpPublication#media()} on a thread of your own until its end;
   * an exception thrown here closes the publication.
   *
   * @param publication the publication
   */
  void publishing(RtmpPublication publication);
}
