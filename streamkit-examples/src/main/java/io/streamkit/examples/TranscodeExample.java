package io.streamkit.examples;

import io.streamkit.hls.PackagedRendition;
import io.streamkit.hls.TranscodeResult;
import io.streamkit.hls.Transcoder;
import java.nio.file.Path;

/**
 * Transcodes one video file into an HLS title directory with the default Apple ladder and fMP4 segments.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl streamkit-server,streamkit-examples -am
 * java -cp streamkit-server/target/streamkit.jar:streamkit-examples/target/classes \
 *     io.streamkit.examples.TranscodeExample movie.mp4 titles/movie
 * </pre>
 */
public final class TranscodeExample {

  private TranscodeExample() {}

  /**
   * Transcodes, printing progress, then one line per rendition.
   *
   * @param args the input video file and the title directory to create
   */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: TranscodeExample INPUT OUTPUT_DIR");
      System.exit(2);
    }
    TranscodeResult title = Transcoder.builder()
        .input(Path.of(args[0]))
        .output(Path.of(args[1]))
        .listener(p -> System.out.printf("%5.1f%% %.1fx%n", p.percent(), p.speed()))
        .build()
        .run();
    for (PackagedRendition rendition : title.renditions()) {
      System.out.printf("%-6s %4dx%-4d peak %,d bit/s  average %,d bit/s  %s%n", rendition.name(), rendition.width(),
          rendition.height(), rendition.peakBandwidth(), rendition.averageBandwidth(), rendition.codecs());
    }
    System.out.println("play " + title.masterPlaylist());
  }
}
