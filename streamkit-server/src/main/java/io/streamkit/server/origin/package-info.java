/**
 * The StreamKit origin: token-gated, zero-copy HLS delivery on Netty.
 *
 * <p>Public API: {@link io.streamkit.server.origin.OriginServer} (builder, start, graceful close),
 * {@link io.streamkit.server.origin.VariantOrder} with its default
 * {@link io.streamkit.server.origin.StartBandwidthOrder}, and {@link io.streamkit.server.origin.Variant}. Everything
 * else is package-private: one Netty handler per concern, in the order drawn in {@code OriginPipeline}.
 */
package io.streamkit.server.origin;
