/**
 * StreamKit's adaptive bitrate toolkit: bitrate ladders ({@link io.streamkit.abr.ladder}) and per-title ladders from
 * measured encodes ({@link io.streamkit.abr.hull}), the server-side variant policy for session manifests
 * ({@link io.streamkit.abr.policy}), client-side adaptation rules behind one interface ({@link io.streamkit.abr.rule})
 * with the network estimators they use ({@link io.streamkit.abr.estimate}), and a trace-driven simulator that scores
 * the rules ({@link io.streamkit.abr.sim}). Each rule and estimator cites the paper or player it follows.
 */
package io.streamkit.abr;
