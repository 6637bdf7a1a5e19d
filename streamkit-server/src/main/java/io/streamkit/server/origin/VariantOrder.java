package io.streamkit.server.origin;

import io.streamkit.core.token.PlaybackClaims;
import java.util.List;

/**
 * Decides the order of variants in a viewer's session manifest. Players start with the first variant listed (RFC 8216
 * §6.3.1 leaves the choice to the client; hls.js and AVPlayer take the first entry unless told otherwise), so the
 * order is how the origin chooses the start quality. The variants passed in are already limited to what the viewer's
 * claims allow.
 *
 * <p>Implementations must be thread-safe and cheap: this runs for every master playlist request.
 */
@FunctionalInterface
public interface VariantOrder {

  /**
   * Orders one viewer's variants. It runs on the origin's I/O thread, so it must not block.
   *
   * @param allowed the variants the viewer may receive, in master playlist order; unmodifiable, never empty
   * @param claims the viewer's verified token (viewer, title, {@code max_height}), or {@code null} when the origin
   *     serves without tokens
   * @return the variants to list, first to last; it may drop variants, but any not in {@code allowed} are ignored
   */
  List<ManifestVariant> order(List<ManifestVariant> allowed, PlaybackClaims claims);
}
