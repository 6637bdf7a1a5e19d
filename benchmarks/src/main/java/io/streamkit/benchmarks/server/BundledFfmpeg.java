package io.streamkit.benchmarks.server;

/**
 * Prints the path of the ffmpeg executable bundled with StreamKit's FFmpeg natives, so shell harnesses use the same
 * build the library does. Run it in source-file mode with the shaded jar on the class path:
 *
 * <pre>
 * java -cp streamkit-server/target/streamkit.jar benchmarks/src/main/java/io/streamkit/benchmarks/server/BundledFfmpeg.java
 * </pre>
 */
public final class BundledFfmpeg {

  private BundledFfmpeg() {}

  public static void main(String[] args) {
    System.out.println(org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
  }
}
