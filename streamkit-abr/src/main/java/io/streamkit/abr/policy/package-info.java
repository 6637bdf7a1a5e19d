/**
 * Server-side variant policy for session manifests: {@link io.streamkit.abr.policy.VariantPolicy}
 * filters and orders a title's {@link io.streamkit.abr.policy.Variant}s per session from token claims,
 * {@link io.streamkit.abr.policy.DeviceHints} and recent throughput, and recommends the next variant.
 */
package io.streamkit.abr.policy;
