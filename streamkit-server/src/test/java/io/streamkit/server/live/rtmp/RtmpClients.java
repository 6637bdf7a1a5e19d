package io.streamkit.server.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/** Clients of the RTMP server for tests: the bundled ffmpeg as a publisher, ffprobe as a judge, and raw sockets. */
final class RtmpClients {

  static final String FFMPEG = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
  static final String FFPROBE = Loader.load(org.bytedeco.ffmpeg.ffprobe.class);

  private RtmpClients() {}

  /** A running ffmpeg publishing {@code clip} to {@code rtmp://127.0.0.1:port/live/key}, copying its streams. */
  static Process publish(int port, String key, Path clip, boolean realTime, Path log) throws IOException {
    return publish(port, key, clip, realTime, log, "-c", "copy");
  }

  /** A running ffmpeg publishing {@code clip} with the given codec options. */
  static Process publish(int port, String key, Path clip, boolean realTime, Path log, String... codecs)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(FFMPEG, "-hide_banner", "-loglevel", "error"));
    if (realTime) {
      command.add("-re");
    }
    command.addAll(List.of("-i", clip.toString()));
    command.addAll(List.of(codecs));
    command.addAll(List.of("-f", "flv", "rtmp://127.0.0.1:" + port + "/live/" + key));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits for a publisher to exit and returns its exit code. */
  static int exitCode(Process publisher, int seconds) throws InterruptedException {
    if (!publisher.waitFor(seconds, TimeUnit.SECONDS)) {
      publisher.destroyForcibly();
      throw new AssertionError("ffmpeg still publishing after " + seconds + " s");
    }
    return publisher.exitValue();
  }

  /** What ffprobe finds in a file: codec names, and the last presentation time of each stream in seconds. */
  record Probe(List<String> codecs, double lastVideoSeconds, double lastAudioSeconds) {}

  static Probe probe(Path file) throws IOException, InterruptedException {
    String streams = run(FFPROBE, "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
        file.toString());
    String packets = run(FFPROBE, "-v", "error", "-show_entries", "packet=codec_type,pts_time", "-of", "csv=p=0",
        file.toString());
    double video = 0;
    double audio = 0;
    for (String line : packets.split("\n")) {
      String[] fields = line.trim().split(",");
      if (fields.length < 2 || fields[1].equals("N/A")) {
        continue;
      }
      double pts = Double.parseDouble(fields[1]);
      if (fields[0].equals("video")) {
        video = Math.max(video, pts);
      } else if (fields[0].equals("audio")) {
        audio = Math.max(audio, pts);
      }
    }
    return new Probe(streams.lines().map(String::trim).filter(s -> !s.isEmpty()).sorted().toList(), video, audio);
  }

  /** The {@code encoder} the file's metadata names: ffmpeg puts it in onMetaData, which FLV keeps as a script tag. */
  static String metadataEncoder(Path file) throws IOException, InterruptedException {
    return run(FFPROBE, "-v", "error", "-show_entries", "format_tags=encoder", "-of", "csv=p=0", file.toString())
        .trim();
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
    return out;
  }

  /** A raw socket that has done the plain handshake (RTMP spec §5.2), ready for chunks. */
  static Socket handshaken(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5_000);
    OutputStream out = socket.getOutputStream();
    out.write(3);
    out.write(new byte[1536]);
    out.flush();
    byte[] reply = socket.getInputStream().readNBytes(1 + 2 * 1536);
    assertThat(reply).hasSize(1 + 2 * 1536);
    assertThat(reply[0]).isEqualTo((byte) 3);
    out.write(new byte[1536]);
    out.flush();
    return socket;
  }

  /**
   * Milliseconds until the server closes the socket (reading and discarding whatever it sends first); fails if it
   * stays open for {@code limitMillis}.
   */
  static long millisUntilClosed(Socket socket, long limitMillis) throws IOException {
    long start = System.nanoTime();
    socket.setSoTimeout((int) limitMillis);
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    try {
      while (in.read(buffer) >= 0) {
        // the server's answers before it closes
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("connection still open after " + limitMillis + " ms");
    } catch (IOException reset) {
      // a reset is a close too
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
