package io.streamkit.hls;

import java.util.Locale;

/**
 * One timed piece of text, the unit every subtitle output is written from (segmented WebVTT for HLS; a DASH text
 * adaptation set can be written from the same cues).
 *
 * @param startMillis when the text appears, in milliseconds on the title's timeline (0 = the first video frame)
 * @param endMillis when it disappears, never before {@code startMillis}
 * @param text the cue payload as WebVTT cue text (W3C WebVTT §4.2, {@code <i>}, {@code <b>}, {@code <u>} spans
 *     kept, {@code &} and stray {@code <} escaped), lines separated by LF, never containing an empty line or
 *     {@code -->}
 * @param settings the WebVTT cue settings of a WebVTT source (§4.4, e.g. {@code line:0 align:start}), or empty
 * @param line the line of the source file the cue's timing was read from, for error messages; 0 for a cue decoded
 *     from a media stream
 */
record SubtitleCue(long startMillis, long endMillis, String text, String settings, int line) {

  /** A WebVTT timestamp (§4.1), {@code hh:mm:ss.ttt}; hours grow past two digits when needed. */
  static String webVttTime(long millis) {
    return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60,
        millis / 1000 % 60, millis % 1000);
  }

  /** This cue as a WebVTT cue block (§4.1): timing line, optional settings, payload, blank line. */
  String webVttBlock() {
    return webVttTime(startMillis) + " --> " + webVttTime(endMillis) + (settings.isEmpty() ? "" : " " + settings)
        + "\n" + text + "\n\n";
  }
}
