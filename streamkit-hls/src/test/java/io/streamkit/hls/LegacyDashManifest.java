package io.streamkit.hls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A title's DASH manifest as the writer wrote it before its Period started with the first frame, for tests of
 * titles packaged then: no {@code presentationTimeOffset} (the Period starts at media time 0), and every timeline
 * starting at its first fragment's {@code tfdt}, the decode time, which for video with B-frames is the reorder
 * delay before the segment's earliest presentation time.
 */
public final class LegacyDashManifest {

  private static final Pattern TEMPLATE = Pattern.compile("<SegmentTemplate timescale=\"(\\d+)\""
      + "(?: presentationTimeOffset=\"\\d+\")? startNumber=\"(\\d+)\" initialization=\"([^\"]+)\" media=\"([^\"]+)\">"
      + "(\\s*<SegmentTimeline>\\s*<S) t=\"\\d+\"");

  private LegacyDashManifest() {}

  /** Rewrites {@code title}'s {@code manifest.mpd} in place. */
  public static void rewrite(Path title) throws IOException {
    Path manifest = title.resolve(DashManifest.MANIFEST);
    Matcher template = TEMPLATE.matcher(Files.readString(manifest));
    StringBuilder legacy = new StringBuilder();
    while (template.find()) {
      Fmp4Fragments.Track track = Fmp4Fragments.track(title.resolve(template.group(3)));
      Path first = title.resolve(template.group(4).replace("$Number%05d$",
          String.format("%05d", Long.parseLong(template.group(2)))));
      long decodeTime = Fmp4Fragments.fragments(first, track).get(0).baseMediaDecodeTime();
      template.appendReplacement(legacy, Matcher.quoteReplacement("<SegmentTemplate timescale=\"" + template.group(1)
          + "\" startNumber=\"" + template.group(2) + "\" initialization=\"" + template.group(3) + "\" media=\""
          + template.group(4) + "\">" + template.group(5) + " t=\"" + decodeTime + "\""));
    }
    template.appendTail(legacy);
    Files.writeString(manifest, legacy.toString());
  }
}
