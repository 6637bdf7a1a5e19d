package io.streamkit.abr.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A recorded network: throughput samples over time, one per line as {@code time_seconds<TAB>Mbit/s}
 * (the Mahimahi-derived format of the Pensieve study's traces). Sample {@code i} gives the throughput
 * of the interval that ends at {@code time[i]}; the first sample only anchors the clock. Immutable.
 */
public final class NetworkTrace {

  private final String name;
  private final double[] timesSeconds;
  private final double[] megabitsPerSecond;

  private NetworkTrace(String name, double[] timesSeconds, double[] megabitsPerSecond) {
    this.name = name;
    this.timesSeconds = timesSeconds;
    this.megabitsPerSecond = megabitsPerSecond;
  }

  /**
   * Builds a trace from samples; the arrays are copied.
   *
   * @param name the trace's name, for logs and results
   * @param timesSeconds sample times in seconds, ascending (equal times allowed)
   * @param megabitsPerSecond throughput of the interval ending at each sample, in Mbit/s, 0 or more
   * @return the trace
   * @throws IllegalArgumentException when there are fewer than two samples, times go backwards,
   *     throughput is negative or not finite, or no interval ever delivers a byte
   */
  public static NetworkTrace of(String name, double[] timesSeconds, double[] megabitsPerSecond) {
    if (timesSeconds.length != megabitsPerSecond.length) {
      throw new IllegalArgumentException(
          "trace " + name + ": " + timesSeconds.length + " times but " + megabitsPerSecond.length + " throughputs");
    }
    NetworkTrace trace =
        new NetworkTrace(name, timesSeconds.clone(), megabitsPerSecond.clone());
    trace.validate(null);
    return trace;
  }

  /**
   * Reads a trace file; blank lines are skipped.
   *
   * @param file one sample per line, {@code time_seconds<TAB>Mbit/s} (any whitespace separates)
   * @return the trace, named by the file name
   * @throws IllegalArgumentException naming the file and line of the first malformed sample
   * @throws UncheckedIOException when the file cannot be read
   */
  public static NetworkTrace read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file + ": " + e.getMessage(), e);
    }
    double[] times = new double[lines.size()];
    double[] rates = new double[lines.size()];
    int count = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split("\\s+");
      if (fields.length != 2) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": expected 'time_seconds<TAB>throughput_Mbit_per_s', found '" + line + "'");
      }
      try {
        times[count] = Double.parseDouble(fields[0]);
        rates[count] = Double.parseDouble(fields[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": not a number in '" + line + "'; each line is 'time_seconds<TAB>Mbit/s'");
      }
      if (!Double.isFinite(times[count]) || !Double.isFinite(rates[count]) || rates[count] < 0) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": time and throughput must be finite and throughput non-negative, found '" + line + "'");
      }
      if (count > 0 && times[count] < times[count - 1]) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": time " + fields[0] + " goes backwards; samples must be in time order");
      }
      count++;
    }
    NetworkTrace trace =
        new NetworkTrace(
            file.getFileName().toString(), Arrays.copyOf(times, count), Arrays.copyOf(rates, count));
    trace.validate(file);
    return trace;
  }

  private void validate(Path file) {
    String where = file == null ? "trace " + name : file.toString();
    if (timesSeconds.length < 2) {
      throw new IllegalArgumentException(
          where + ":" + (timesSeconds.length + 1) + ": trace has " + timesSeconds.length
              + " samples; at least two are needed to form an interval");
    }
    boolean delivers = false;
    for (int i = 1; i < timesSeconds.length; i++) {
      if (!(timesSeconds[i] >= timesSeconds[i - 1]) || megabitsPerSecond[i] < 0
          || !Double.isFinite(megabitsPerSecond[i])) {
        throw new IllegalArgumentException(
            where + ":" + (i + 1) + ": times must ascend and throughput be finite and non-negative");
      }
      delivers |= megabitsPerSecond[i] > 0 && timesSeconds[i] > timesSeconds[i - 1];
    }
    if (!delivers) {
      throw new IllegalArgumentException(
          where + ":1: no interval after the first sample has positive throughput and duration; nothing could ever download");
    }
  }

  /** {@return the trace's name (its file name when read from a file)} */
  public String name() {
    return name;
  }

  /** {@return the number of samples, at least 2} */
  public int size() {
    return timesSeconds.length;
  }

  /**
   * {@return the time of sample {@code i} in seconds}
   *
   * @param i the sample, {@code 0} to {@code size() - 1}
   */
  public double timeSeconds(int i) {
    return timesSeconds[i];
  }

  /**
   * {@return the throughput of the interval ending at sample {@code i}, in Mbit/s}
   *
   * @param i the sample, {@code 1} to {@code size() - 1} (sample 0's value closes no interval)
   */
  public double megabitsPerSecond(int i) {
    return megabitsPerSecond[i];
  }

  /** {@return the mean throughput over the trace's intervals, weighted by duration, in Mbit/s} */
  public double meanMegabitsPerSecond() {
    double bits = 0;
    for (int i = 1; i < timesSeconds.length; i++) {
      bits += megabitsPerSecond[i] * (timesSeconds[i] - timesSeconds[i - 1]);
    }
    return bits / (timesSeconds[timesSeconds.length - 1] - timesSeconds[0]);
  }
}
