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

  /** Returns the variants to list, first to last; it may drop variants but must not add any. */
  List<ManifestVariant> order(List<ManifestVariant> allowed, PlaybackClaims claims);
}
