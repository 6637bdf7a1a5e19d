/**
 * The StreamKit origin: token-gated, zero-copy HLS delivery on Netty, with the platform's management and viewer
 * APIs and its pages.
 *
 * <p>Public API: {@link io.streamkit.server.origin.OriginServer} (builder, start, graceful close),
 * {@link io.streamkit.server.origin.ManagementApi} (the management API's settings),
 * {@link io.streamkit.server.origin.RateLimits} (per-client request limits),
 * {@link io.streamkit.server.origin.VariantOrder} with its default
 * {@link io.streamkit.server.origin.PolicyVariantOrder}, and {@link io.streamkit.server.origin.ManifestVariant}.
 * Everything else is package-private: one Netty handler per concern, in the order drawn in {@code OriginPipeline}.
 */
package io.streamkit.server.origin;
