package io.streamkit.abr.sim;

import io.streamkit.abr.rule.AbrRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** A directory of network traces, read in file-name order, and the sessions played over them. Immutable. */
public final class TraceSet {

  private final List<NetworkTrace> traces;

  private TraceSet(List<NetworkTrace> traces) {
    this.traces = traces;
  }

  /**
   * Wraps traces already in memory.
   *
   * @param traces the traces, in the order sessions are played
   * @return the set
   * @throws IllegalArgumentException if there are no traces
   */
  public static TraceSet of(List<NetworkTrace> traces) {
    if (traces.isEmpty()) {
      throw new IllegalArgumentException("a trace set needs at least one trace");
    }
    return new TraceSet(List.copyOf(traces));
  }

  /**
   * Reads every regular, non-hidden file of a directory as a trace.
   *
   * @param directory the directory of trace files, see {@link NetworkTrace#read}
   * @return the set, in file-name order
   * @throws java.io.UncheckedIOException if the directory or a file cannot be read
   * @throws IllegalArgumentException when the directory is missing or empty, or naming the file and line of a malformed trace
   */
  public static TraceSet read(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException(directory + ": not a directory; --traces must name a directory of trace files");
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> listing = Files.list(directory)) {
      listing
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list traces in " + directory + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(directory + ": no trace files; expected one 'time<TAB>Mbit/s' file per trace");
    }
    Collections.sort(files);
    List<NetworkTrace> traces = new ArrayList<>(files.size());
    for (Path file : files) {
      traces.add(NetworkTrace.read(file));
    }
    return new TraceSet(Collections.unmodifiableList(traces));
  }

  /** {@return the traces in play order, unmodifiable} */
  public List<NetworkTrace> traces() {
    return traces;
  }

  /**
   * Plays one session per trace, each with a fresh rule.
   *
   * @param simulator the session model
   * @param video the chunk sizes per rung
   * @param rules supplies a fresh rule for each session
   * @return one result per trace, in the set's order
   * @throws IllegalArgumentException if the video is too short or has too few rungs for the simulator
   * @throws IllegalStateException if a rule returns a quality outside the ladder
   */
  public List<SessionResult> play(Simulator simulator, VideoModel video, Supplier<? extends AbrRule> rules) {
    List<SessionResult> results = new ArrayList<>(traces.size());
    for (NetworkTrace trace : traces) {
      results.add(simulator.run(trace, video, rules));
    }
    return results;
  }

  /**
   * {@return summary figures over sessions}
   *
   * @param sessions the sessions, at least one (the means of none are NaN)
   * @param qoe the metric to score them with
   */
  public static Summary summarise(List<SessionResult> sessions, Qoe qoe) {
    double qoeSum = 0;
    double bitrateSum = 0;
    double rebuffer = 0;
    int switches = 0;
    for (SessionResult session : sessions) {
      qoeSum += session.qoe(qoe);
      bitrateSum += session.meanBitrateKbps();
      rebuffer += session.totalRebufferSeconds();
      switches += session.switches();
    }
    int n = sessions.size();
    return new Summary(qoe, n, qoeSum / n, bitrateSum / n, rebuffer, switches);
  }

  /**
   * Figures over a set of sessions.
   *
   * @param qoe the metric the sessions were scored with
   * @param sessions the number of sessions
   * @param meanQoe mean over sessions of each session's QoE (chunks 2..n)
   * @param meanBitrateKbps mean over sessions of each session's mean bitrate in kbit/s (chunks 2..n)
   * @param totalRebufferSeconds stall time summed over all sessions
   * @param switches quality changes summed over all sessions
   */
  public record Summary(
      Qoe qoe, int sessions, double meanQoe, double meanBitrateKbps, double totalRebufferSeconds, int switches) {}
}
