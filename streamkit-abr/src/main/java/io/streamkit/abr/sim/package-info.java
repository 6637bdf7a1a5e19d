/**
 * Trace-driven ABR simulation: {@link io.streamkit.abr.sim.Simulator} plays a {@link
 * io.streamkit.abr.sim.VideoModel} over a {@link io.streamkit.abr.sim.NetworkTrace} with any {@link
 * io.streamkit.abr.rule.AbrRule}, reproducing the session model of the Pensieve study, and scores the
 * session with the study's {@link io.streamkit.abr.sim.Qoe} metrics. {@link
 * io.streamkit.abr.sim.TraceSet} runs a directory of traces; {@link io.streamkit.abr.sim.Algorithm}
 * names the built-in rules.
 */
package io.streamkit.abr.sim;
